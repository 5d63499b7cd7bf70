"""The development server's request handler: safe static files, live reload.

Only GET and HEAD are answered.  A request path is decoded once, normalised and
resolved (symlinks included) before it may touch the disk, and must land inside
the site folder; anything else is a 404.  HTML pages get a small script that
listens on a Server-Sent Events endpoint and reloads the tab (keeping its scroll
position) after each rebuild, or shows the build problem as an overlay.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import mimetypes
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from .serve import LiveSite

EVENTS = "__notesite/events"

SCRIPT = """<script>(() => {
  const key = "notesite-scroll:" + location.pathname;
  const y = sessionStorage.getItem(key);
  if (y !== null) { sessionStorage.removeItem(key); scrollTo(0, +y); addEventListener("load", () => scrollTo(0, +y)); }
  let box = null;
  const show = (text) => {
    box = box || Object.assign(document.createElement("div"), { id: "notesite-overlay" });
    box.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:9999;" +
      "background:#2b0b0b;color:#ffd7d7;font:13px/1.4 ui-monospace,monospace;padding:1rem;border-radius:8px;" +
      "white-space:pre-wrap;box-shadow:0 4px 24px #0008";
    box.textContent = "notesite: the last build failed, showing the last good site\\n\\n" + text;
    document.body.append(box);
  };
  const connect = () => {
    const source = new EventSource("%(events)s?since=%(since)s");
    source.addEventListener("reload", () => { sessionStorage.setItem(key, String(scrollY)); location.reload(); });
    source.addEventListener("problem", (e) => show(JSON.parse(e.data)));
  };
  connect();
})();</script>"""

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("application/atom+xml", ".xml")


class ServerHandler(http.server.BaseHTTPRequestHandler):
    site: LiveSite
    server_version = "notesite"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for build messages

    # -- methods ---------------------------------------------------------------------

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _refuse(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    # -- routing -----------------------------------------------------------------------

    def _respond(self, body: bool) -> None:
        base = self.site.base_path
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path + "/" == base or (path == "/" and base != "/"):
            return self._redirect(base)
        if not path.startswith(base):
            return self._not_found(body)
        rel = path[len(base) :]
        if rel == EVENTS:
            return self._events(parse_qs(parts.query).get("since", [""])[0])
        data = None
        with self.site.status.reading():  # never serve a half-built site
            target = self._resolve(rel)
            folder = target is not None and target.is_dir()
            if target is not None and (path.endswith("/") or not folder):
                target = target / "index.html" if folder else target
                with contextlib.suppress(OSError):
                    data = target.read_bytes()
        if folder and not path.endswith("/"):
            return self._redirect(parts.path + "/")
        if target is None or data is None:
            return self._not_found(body)
        self._file(target, data, 200, body)

    def _resolve(self, rel: str) -> Path | None:
        """The file a site-relative path names, or None if it is not safely inside."""
        if "\x00" in rel or "\\" in rel:
            return None
        segments = [s for s in rel.split("/") if s not in ("", ".")]
        if any(s == ".." for s in segments):
            return None
        root = Path(os.path.realpath(self.site.output))
        target = Path(os.path.realpath(root.joinpath(*segments)))
        if target != root and not target.is_relative_to(root):
            return None  # a symlink out of the site
        return target if target.exists() else None

    # -- responses ----------------------------------------------------------------------

    def _file(self, target: Path, data: bytes, status: int, body: bool) -> None:
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = self._inject(data)
        if kind.startswith("text/") or kind in (
            "application/json",
            "application/atom+xml",
            "image/svg+xml",
            "text/javascript",
        ):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a preview must never show stale pages
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _inject(self, html: bytes) -> bytes:
        status = self.site.status
        script = SCRIPT % {
            "events": self.site.base_path + EVENTS,
            "since": f"{status.instance}:{status.epoch}",
        }
        at = html.rfind(b"</body>")
        at = at if at >= 0 else len(html)
        return html[:at] + script.encode() + html[at:]

    def _not_found(self, body: bool) -> None:
        page = Path(self.site.output) / "404.html"
        data = None
        with self.site.status.reading(), contextlib.suppress(OSError):
            data = page.read_bytes()
        if data is not None:
            return self._file(page, data, 404, body)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self, since: str) -> None:
        """Server-Sent Events: ``reload`` after each build, ``problem`` while broken."""
        status = self.site.status
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = since
        try:
            self._send("retry: 1000\n\n")
            if status.problem is not None:  # a tab opened while the build is broken
                self._send(f"event: problem\ndata: {json.dumps(status.problem)}\n\n")
            while True:
                with status.cond:
                    now = f"{status.instance}:{status.epoch}"
                    if now == seen:
                        status.cond.wait(timeout=15)
                        now = f"{status.instance}:{status.epoch}"
                    problem = status.problem
                if now != seen:
                    if problem is not None:
                        self._send(f"event: problem\ndata: {json.dumps(problem)}\n\n")
                    elif seen:
                        self._send(f"event: reload\ndata: {now}\n\n")
                    seen = now
                else:
                    self._send(": still here\n\n")  # finds closed tabs
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            return

    def _send(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()
