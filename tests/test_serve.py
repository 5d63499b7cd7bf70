"""``notesite serve``: safe static serving, debounced rebuilds, error overlay and recovery."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from notesite.serve import LiveServer, PortInUse, Status
from notesite.watch import Batch, Watcher, is_noise

from .conftest import write_vault

VAULT = {
    "notesite.yaml": "title: Served\nbase_url: https://user.github.io/repo/\n",
    "Alpha.md": "---\ntitle: Alpha\n---\n# Alpha\nFirst version of alpha. Links to [[Beta]].\n",
    "Beta.md": "# Beta\nBeta body.\n\n![[pic.png]]\n",
    "img/pic.png": b"\x89PNG\r\n\x1a\n",
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    root = write_vault(tmp_path / "vault", VAULT)
    live = LiveServer(root, port=0, log=lambda message: None)
    live.site.status.instance = "test"
    live.start()
    yield live
    live.stop()


def get(server: LiveServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    host, port = server.http.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    conn.request(method, path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_serves_under_the_base_path_with_types_and_reload_script(server: LiveServer) -> None:
    status, headers, body = get(server, "/repo/notes/alpha/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"First version of alpha" in body and b"__notesite/events" in body
    assert headers["cache-control"] == "no-store"
    status, headers, _ = get(server, "/repo/static/site.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    status, headers, _ = get(server, "/repo/files/img/pic.png")
    assert status == 200 and headers["content-type"] == "image/png"
    assert get(server, "/")[0] == 302 and get(server, "/repo")[0] == 302
    status, headers, _ = get(server, "/repo/notes/alpha")
    assert status == 302 and headers["location"] == "/repo/notes/alpha/"
    status, _, body = get(server, "/repo/no/such/page/")
    assert status == 404 and b"Page not found" in body
    status, _, body = get(server, "/repo/notes/alpha/", "HEAD")
    assert status == 200 and body == b""


@pytest.mark.parametrize(
    "path",
    [
        "/repo/../../etc/passwd",
        "/repo/%2e%2e/%2e%2e/etc/passwd",
        "/repo/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/repo/notes/..%2f..%2f..%2fetc/passwd",
        "/repo//etc/passwd",
        "/repo/..\\..\\etc\\passwd",
        "/etc/passwd",
        "/repo/%00",
        "/repo/escape/passwd",
    ],
)
def test_path_traversal_is_a_404(server: LiveServer, path: str) -> None:
    (server.site.output / "escape").symlink_to("/etc", target_is_directory=True)
    status, _, body = get(server, path)
    assert status == 404
    assert b"root:" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head(server: LiveServer, method: str) -> None:
    status, headers, _ = get(server, "/repo/", method)
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_save_rebuilds_and_stops_on_errors_then_recovers(server: LiveServer) -> None:
    root = server.site.root
    epoch = server.site.status.epoch
    (root / "Alpha.md").write_text("---\ntitle: Alpha\n---\n# Alpha\nSecond version of alpha.\n")
    wait_for(lambda: server.site.status.epoch > epoch)
    assert b"Second version of alpha" in get(server, "/repo/notes/alpha/")[2]
    assert server.site.status.problem is None

    epoch = server.site.status.epoch
    (root / "Alpha.md").write_text("---\ntitle: [broken\n---\n# Alpha\nThird version.\n")
    wait_for(lambda: server.site.status.epoch > epoch)
    problem = server.site.status.problem
    assert problem is not None and "Alpha.md:2" in problem and "bad-frontmatter" in problem
    body = get(server, "/repo/notes/alpha/")[2]
    assert b"Second version of alpha" in body, "the last good page stays served"

    epoch = server.site.status.epoch
    (root / "Alpha.md").write_text("---\ntitle: Alpha\n---\n# Alpha\nFixed version.\n")
    wait_for(lambda: server.site.status.epoch > epoch)
    assert server.site.status.problem is None
    assert b"Fixed version" in get(server, "/repo/notes/alpha/")[2]


def test_template_error_keeps_serving_and_recovers(server: LiveServer) -> None:
    root = server.site.root
    (root / "templates").mkdir()
    epoch = server.site.status.epoch
    (root / "templates/note.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ broken( }}{% endblock %}"
    )
    wait_for(lambda: server.site.status.epoch > epoch)
    assert (
        server.site.status.problem is not None
        and "TemplateSyntaxError" in server.site.status.problem
    )
    assert get(server, "/repo/notes/alpha/")[0] == 200
    epoch = server.site.status.epoch
    (root / "templates/note.html").write_text(
        "{% extends 'base.html' %}{% block main %}<p id=custom>{{ note.title }}</p>{% endblock %}"
    )
    wait_for(lambda: server.site.status.epoch > epoch)
    assert server.site.status.problem is None
    assert b"<p id=custom>Alpha</p>" in get(server, "/repo/notes/alpha/")[2]


def test_new_note_resolves_a_dangling_link(server: LiveServer) -> None:
    root = server.site.root
    (root / "Alpha.md").write_text("# Alpha\nSee [[Gamma]].\n")
    epoch = server.site.status.epoch
    wait_for(lambda: server.site.status.epoch > epoch)
    assert b'class="unresolved"' in get(server, "/repo/notes/alpha/")[2]
    epoch = server.site.status.epoch
    (root / "Gamma.md").write_text("# Gamma\n")
    wait_for(lambda: server.site.status.epoch > epoch)
    body = get(server, "/repo/notes/alpha/")[2]
    assert b'href="../../notes/gamma/"' in body and b'class="unresolved"' not in body


def test_events_stream_reload_and_problem(server: LiveServer) -> None:
    host, port = server.http.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    conn.request("GET", f"/repo/__notesite/events?since=test:{server.site.status.epoch}")
    response = conn.getresponse()
    assert response.getheader("content-type") == "text/event-stream"
    assert response.fp.readline() == b"retry: 1000\n"
    response.fp.readline()
    (server.site.root / "Beta.md").write_text("# Beta\nChanged.\n")
    lines = [response.fp.readline() for _ in range(2)]
    assert lines[0] == b"event: reload\n"
    (server.site.root / "Beta.md").write_text("---\n: [\n---\n")
    lines = [response.fp.readline() for _ in range(3)]
    assert lines[1] == b"event: problem\n"
    assert "bad-frontmatter" in json.loads(lines[2].decode()[len("data: ") :])
    conn.close()


def test_concurrent_requests_during_a_rebuild(server: LiveServer) -> None:
    results: list[int] = []

    def fetch() -> None:
        results.append(get(server, "/repo/notes/beta/")[0])

    (server.site.root / "Beta.md").write_text("# Beta\nChanged again.\n")
    threads = [threading.Thread(target=fetch) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 200


def test_a_rebuild_waits_for_files_being_read_and_reads_wait_for_the_rebuild() -> None:
    """The builder overwrites pages in place, so no request may be reading one then."""
    status = Status()
    reading, release = threading.Event(), threading.Event()
    order: list[str] = []

    def request() -> None:
        with status.reading():
            reading.set()
            release.wait(10)
            order.append("read")

    def rebuild() -> None:
        status.begin()
        order.append("rebuilding")

    first = threading.Thread(target=request)
    first.start()
    assert reading.wait(10)
    builder = threading.Thread(target=rebuild)
    builder.start()
    builder.join(0.3)
    assert builder.is_alive() and order == []  # the rebuild waits for the read
    release.set()
    builder.join(10)
    assert order == ["read", "rebuilding"]
    late = threading.Thread(target=request)
    reading.clear()
    late.start()
    assert not reading.wait(0.3)  # a request during the rebuild waits for its end
    status.end(None)
    late.join(10)
    assert order == ["read", "rebuilding", "read"]
    first.join(10)


def test_busy_port_is_a_clear_error(server: LiveServer, tmp_path: Path) -> None:
    port = server.http.server_address[1]
    root = write_vault(tmp_path / "other", {"a.md": "x"})
    with pytest.raises(PortInUse, match=f"port {port} .* is in use"):
        LiveServer(root, port=int(port), log=lambda message: None)


@pytest.mark.parametrize(
    "name", ["note.md.swp", ".note.md.swp", "note.md~", ".#note.md", "#note.md#", "4913", "x.tmp"]
)
def test_editor_noise_is_ignored(name: str) -> None:
    assert is_noise(name)


@contextlib.contextmanager
def watching(root: Path, debounce: float) -> Iterator[list[Batch]]:
    """The batches a running watcher delivers, once it has settled."""
    batches: list[Batch] = []
    watcher = Watcher(root, batches.append, debounce=debounce)
    watcher.start()
    try:
        time.sleep(0.2)
        yield batches
    finally:
        watcher.stop()


def test_atomic_saves_bursts_and_checkouts_are_one_batch(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"note.md": "x", "other.md": "y"})
    with watching(root, debounce=0.15) as batches:
        # an editor's atomic save: swap file, temp file, rename over the note, backup
        (root / ".note.md.swp").write_text("swap")
        (root / "note.md.tmp").write_text("new text")
        os.replace(root / "note.md.tmp", root / "note.md")
        (root / "note.md~").write_text("backup")
        for i in range(5):  # a burst of saves
            (root / "note.md").write_text(f"burst {i}")
            time.sleep(0.02)
        wait_for(lambda: len(batches) >= 1)
        time.sleep(0.4)
        assert len(batches) == 1 and batches[0].paths == {"note.md"}
        # a checkout touching many files at once
        for i in range(200):
            (root / f"checkout-{i:03}.md").write_text(f"file {i}")
        wait_for(lambda: len(batches) >= 2)
        time.sleep(0.4)
        assert len(batches) == 2 and len(batches[1].paths) == 200


def test_config_change_rebuilds_everything(server: LiveServer) -> None:
    epoch = server.site.status.epoch
    (server.site.root / "notesite.yaml").write_text(
        "title: Renamed site\nbase_url: https://user.github.io/repo/\n"
    )
    wait_for(lambda: server.site.status.epoch > epoch)
    assert b"Renamed site" in get(server, "/repo/")[2]


def test_deleting_a_note_removes_its_page(server: LiveServer) -> None:
    epoch = server.site.status.epoch
    (server.site.root / "Beta.md").unlink()
    wait_for(lambda: server.site.status.epoch > epoch)
    assert get(server, "/repo/notes/beta/")[0] == 404


def test_folder_move(server: LiveServer) -> None:
    root = server.site.root
    (root / "sub").mkdir()
    shutil.move(str(root / "Beta.md"), str(root / "sub" / "Beta.md"))
    wait_for(lambda: get(server, "/repo/notes/sub/beta/")[0] == 200)
    assert get(server, "/repo/notes/beta/")[0] == 404


def test_editing_a_note_in_a_folder_is_not_a_folder_change(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"sub/note.md": "x"})
    with watching(root, debounce=0.1) as batches:
        (root / "sub/note.md").write_text("edited")
        wait_for(lambda: len(batches) >= 1)
        time.sleep(0.3)
        assert [b.paths for b in batches] == [{"sub/note.md"}]
