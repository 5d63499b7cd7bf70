"""Live reload end to end: a real Chromium tab follows edits made on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from notesite.serve import LiveServer

from .conftest import write_vault

pytestmark = pytest.mark.browser

LONG = "\n\n".join(f"Paragraph {i} of a long note, enough to scroll." for i in range(120))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    root = write_vault(
        tmp_path / "vault",
        {
            "notesite.yaml": "base_url: https://user.github.io/repo/\n",
            "Note.md": f"# Note\nOriginal text.\n\n{LONG}\n",
        },
    )
    server = LiveServer(root, port=0, log=lambda message: None)
    server.start()
    yield server
    server.stop()


def test_edit_on_disk_appears_in_the_open_tab(browser: Any, live: LiveServer) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live.url + "notes/note/")
    assert "Original text." in page.inner_text("main")
    page.wait_for_timeout(300)  # let the event stream connect
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_function("window.scrollY > 1000")
    note = live.site.root / "Note.md"
    note.write_text(f"# Note\nEdited on disk.\n\n{LONG}\n")
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('Edited on disk.')", timeout=10_000
    )
    page.wait_for_function("window.scrollY > 1000", timeout=5_000)  # kept its place
    # a broken note shows an overlay and keeps the last good page
    note.write_text(f"---\ntitle: [oops\n---\nBroken.\n\n{LONG}\n")
    overlay = page.locator("#notesite-overlay")
    overlay.wait_for(timeout=10_000)
    assert "bad-frontmatter" in overlay.inner_text()
    assert "Edited on disk." in page.inner_text("main")
    note.write_text(f"# Note\nRepaired.\n\n{LONG}\n")
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('Repaired.')", timeout=10_000
    )
    assert page.locator("#notesite-overlay").count() == 0
    assert errors == []
    page.close()


def test_build_output_has_no_reload_script(live: LiveServer) -> None:
    html = (live.site.output / "notes/note/index.html").read_text()
    assert "EventSource" not in html and "__notesite" not in html
