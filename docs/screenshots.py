"""Regenerate the README screenshots: home, a note and the papers index, desktop and phone.

    .venv/bin/python docs/screenshots.py

Builds the sample vault, serves it on 127.0.0.1 and photographs it with Debian's
Chromium through Playwright (the same set-up as the browser tests).
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from notesite.build import build
from notesite.config import load_config

ROOT = Path(__file__).resolve().parents[1]
SHOTS = {"home": "", "note": "notes/papers/alignment/dpo/", "papers": "papers/"}
SIZES = {"desktop": (1280, 860), "phone": (390, 844)}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(ROOT / "notes", load_config(ROOT / "notes").replace(output=str(site)))
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, path in SHOTS.items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(ROOT / "docs" / f"{name}-{size}.png"))
                page.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
