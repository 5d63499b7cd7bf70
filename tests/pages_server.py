"""A local stand-in for GitHub Pages: serves a built site under ``/repo/``.

Like Pages it answers ``/repo/a/`` with ``a/index.html``, redirects ``/repo/a`` to
``/repo/a/``, and sends ``404.html`` with status 404 for anything missing.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/repo/"

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.prefix) and path + "/" != self.prefix:
            return self._not_found()
        return super().send_head()

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        elif path + "/" == self.prefix:
            path = "/"
        return super().translate_path(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:
            self._not_found()
            return
        super().send_error(code, message, explain)

    def _not_found(self):  # type: ignore[no-untyped-def]
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


@contextlib.contextmanager
def serve_pages(site: Path, prefix: str = "/repo/") -> Iterator[str]:
    """Serve ``site`` at ``http://127.0.0.1:PORT{prefix}``; yields that URL."""
    handler = functools.partial(type("H", (PagesHandler,), {"prefix": prefix}), directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
