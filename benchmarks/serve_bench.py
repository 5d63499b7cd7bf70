"""Live-preview latency on a generated vault (default 5,000 notes), in real Chromium.

    python benchmarks/serve_bench.py [--notes 5000] [--edits 7]

Starts ``notesite serve`` (the same ``LiveServer`` the command runs), opens a note
in headless Chromium, and for each edit appends a sentence to the note on disk,
then measures:

* save -> HTML on disk: until the note's page file holds the new sentence;
* save -> browser reloaded: until the open tab shows the new sentence;

and, while a large rebuild runs (the most-linked note retitled), fires 200
concurrent page requests and counts the errors.  Prints medians and writes
``benchmarks/serve_results.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def wait_until(predicate, timeout: float = 30.0, step: float = 0.002) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter()
        time.sleep(step)
    raise TimeoutError("condition not reached")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=7)
    args = parser.parse_args()

    from make_vault import generate
    from playwright.sync_api import sync_playwright
    from run import hub_and_notes, retitle

    from notesite.paths import VaultPath, note_url
    from notesite.serve import LiveServer

    vault = HERE / "vaults" / f"v{args.notes}"
    if not (vault / ".make_vault_manifest").exists():
        generate(vault, args.notes, force=True)
    hub, ordinary, _ = hub_and_notes(vault)
    logs: list[tuple[float, str]] = []
    server = LiveServer(
        vault, port=0, log=lambda message: logs.append((time.perf_counter(), message))
    )
    server.start()
    out = server.site.output
    result: dict[str, object] = {"notes": args.notes}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page()
            disk, tab = [], []
            for i in range(args.edits):
                rel = ordinary[i % len(ordinary)]
                url = note_url(VaultPath(rel))
                page.goto(server.url + url)
                time.sleep(2.0)  # a writer's pause: the previous save's search update is done
                marker = f"Benchmark sentence {i} {time.time_ns()}"
                file = out / url / "index.html"
                source = vault / rel
                text = source.read_text(encoding="utf-8")
                saved = time.perf_counter()
                source.write_text(text + f"\n{marker}\n", encoding="utf-8")
                before = file.stat().st_mtime_ns
                # poll the file's stamp, not its text: reading a page every few ms in
                # this process would starve the server's threads of the GIL
                on_disk = wait_until(lambda f=file, b=before: f.stat().st_mtime_ns != b, step=0.005)
                assert marker in file.read_text(encoding="utf-8")
                page.wait_for_function(
                    f"document.body.innerText.includes({json.dumps(marker)})", timeout=30_000
                )
                reloaded = time.perf_counter()
                disk.append(on_disk - saved)
                tab.append(reloaded - saved)
                print(
                    f"edit {i}: disk {1000 * (on_disk - saved):.0f} ms, tab {1000 * (reloaded - saved):.0f} ms",
                    flush=True,
                )
                source.write_text(text, encoding="utf-8")
                page.wait_for_function(
                    f"!document.body.innerText.includes({json.dumps(marker)})", timeout=30_000
                )
            result["save_to_disk_ms"] = round(1000 * statistics.median(disk), 1)
            result["save_to_reload_ms"] = round(1000 * statistics.median(tab), 1)
            browser.close()

        # 200 concurrent requests while the hub's retitle is being rebuilt
        pages = [
            server.url + quote(p.relative_to(out).parent.as_posix()) + "/"
            for p in sorted(out.glob("notes/**/index.html"))[:200]
        ]
        source = vault / hub
        text = source.read_text(encoding="utf-8")
        epoch = server.site.status.epoch
        source.write_text(retitle(text), encoding="utf-8")
        wait_until(lambda: server.site.status.building, timeout=10)
        statuses: list[int] = []
        errors: list[str] = []

        def fetch(address: str) -> None:
            try:
                with urllib.request.urlopen(address, timeout=120) as response:
                    statuses.append(response.status)
            except Exception as exc:  # counted as an error
                statuses.append(0)
                errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=fetch, args=(a,)) for a in pages]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result["concurrent_requests"] = len(statuses)
        result["concurrent_errors"] = sum(1 for s in statuses if s != 200)
        result["error_kinds"] = sorted(set(errors))[:5]
        result["concurrent_seconds"] = round(time.perf_counter() - started, 2)
        wait_until(lambda: server.site.status.epoch > epoch, timeout=300)
        source.write_text(text, encoding="utf-8")
        wait_until(lambda: server.site.status.epoch > epoch + 1, timeout=300)
    finally:
        server.stop()
    (HERE / "serve_results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
