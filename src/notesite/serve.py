"""``notesite serve``: live preview while writing.

Builds the site into the cache, serves it under the configured base path (so it
looks exactly like GitHub Pages), watches the vault and rebuilds incrementally on
save, and reloads every open tab through Server-Sent Events.  Like MkDocs' server
it never serves a half-built site (requests wait for the rebuild in progress, and
a rebuild waits for the files being read to be read) and keeps serving the last
good site when a build fails, showing the problem as an overlay until the next
good build.
"""

from __future__ import annotations

import contextlib
import errno
import http.server
import signal
import threading
import uuid
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .builder import SERVE_OUTPUT, BuilderProcess, Report
from .config import load_config
from .livereload import ServerHandler
from .watch import Batch, Watcher


class PortInUse(OSError):
    pass


@dataclass
class Status:
    """The served site's state, shared by the rebuild thread and request threads."""

    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    epoch: int = 0
    building: bool = False
    problem: str | None = None
    readers: int = 0
    """Requests reading the site's files right now."""
    cond: threading.Condition = field(default_factory=threading.Condition)

    def begin(self) -> None:
        """From now on requests wait; returns once no request is reading a file (the
        builder rewrites pages in place, so no one may read one meanwhile)."""
        with self.cond:
            self.building = True
            self.cond.wait_for(lambda: self.readers == 0)

    def end(self, problem: str | None) -> None:
        with self.cond:
            self.building = False
            self.problem = problem
            self.epoch += 1
            self.cond.notify_all()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Read the site's files: after the rebuild in progress, and none starts meanwhile.

        No timeout: the builder overwrites pages in place, so a request that stopped
        waiting could read half a page; ``rebuild`` always ends what it begins."""
        with self.cond:
            self.cond.wait_for(lambda: not self.building)
            self.readers += 1
        try:
            yield
        finally:
            with self.cond:
                self.readers -= 1
                self.cond.notify_all()


class LiveSite:
    """The served site: its status, and the builder process that rebuilds it."""

    def __init__(
        self, root: Path, overrides: dict[str, Any], log: Callable[[str], None] = print
    ) -> None:
        self.root = root.resolve()
        self.overrides = overrides
        self.log = log
        self.status = Status()
        self.builder = BuilderProcess(self.root, overrides)
        self.output = self.root / SERVE_OUTPUT
        self.base_path = "/"

    def first_build(self) -> None:
        report = self.builder.receive()
        self._take(report)
        if report.problem is not None and not report.output:
            self.builder.stop()
            raise RuntimeError(report.problem)
        self.status.end(report.problem)

    def rebuild(self, batch: Batch) -> None:
        """Apply one batch of changes in the builder; the server keeps serving."""
        self.status.begin()
        problem: str | None = "the rebuild stopped unexpectedly; see the log"
        try:
            report = self.builder.apply(batch)
            problem = report.problem
            self._take(report)
        finally:
            self.status.end(problem)

    def _take(self, report: Report) -> None:
        for line in report.log:
            if line:
                self.log(line)
        if report.output:
            self.output = Path(report.output)
            self.base_path = report.base_path

    def stop(self) -> None:
        self.builder.stop()


class _Server(http.server.ThreadingHTTPServer):
    # the default backlog (5) drops connections when a page's assets, several tabs
    # and a reload all arrive at once
    request_queue_size = 256
    daemon_threads = True


class LiveServer:
    """The HTTP server and the watcher around a ``LiveSite`` (start, then stop)."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        overrides: dict[str, Any] | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        self.site = LiveSite(root, overrides or {}, log)
        try:
            self.site.first_build()
        except BaseException:
            self.site.stop()
            raise
        handler = type("Handler", (ServerHandler,), {"site": self.site})
        try:
            self.http = _Server((host, port), handler)
        except OSError as exc:
            self.site.stop()
            if exc.errno == errno.EADDRINUSE:
                message = f"port {port} on {host} is in use; pick another with --port, or --port 0 for any free one"
                raise PortInUse(message) from exc
            raise
        self.http.daemon_threads = True
        self.url = f"http://{host}:{self.http.server_address[1]}{self.site.base_path}"
        config = load_config(self.site.root, **(overrides or {}))
        self.watcher = Watcher(
            self.site.root,
            self.site.rebuild,
            ignore=(self.site.root / ".notesite-cache", (self.site.root / config.output).resolve()),
            templates=self.site.root / config.templates,
        )
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Watch and serve in background threads (tests; ``serve`` runs in the foreground)."""
        self.watcher.start()
        self.thread = threading.Thread(
            target=self.http.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.watcher.stop()
        if self.thread is not None:
            self.http.shutdown()
            self.thread.join(timeout=5)
        self.http.server_close()
        self.site.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    overrides: dict[str, Any] | None = None,
) -> None:
    """Build, serve and watch until interrupted (Ctrl-C exits cleanly)."""
    server = LiveServer(root, host, port, overrides)
    # a terminal's Ctrl-C and a service manager's SIGTERM both stop cleanly
    signal.signal(signal.SIGTERM, _interrupt)
    server.watcher.start()
    server.site.log(f"serving {server.url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.http.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how one stops a dev server: no traceback
    finally:
        server.stop()
        server.site.log("stopped")
