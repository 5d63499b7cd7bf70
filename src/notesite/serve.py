"""``notesite serve``: live preview while writing.

Builds the site into the cache, serves it under the configured base path (so it
looks exactly like GitHub Pages), watches the vault and rebuilds incrementally on
save, and reloads every open tab through Server-Sent Events.  Like MkDocs' server
it never serves a half-built site (requests wait for the rebuild in progress) and
keeps serving the last good site when a build fails, showing the problem as an
overlay until the next good build.
"""

from __future__ import annotations

import errno
import http.server
import signal
import threading
import time
import traceback
import uuid
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config, ConfigError, load_config
from .diagnostics import Diagnostic, Severity
from .engine import Engine, NoteErrors
from .livereload import ServerHandler
from .watch import Batch, Watcher
from .workers import paused_gc

SERVE_OUTPUT = ".notesite-cache/serve"


class PortInUse(OSError):
    pass


@dataclass
class Status:
    """The served site's state, shared by the rebuild thread and request threads."""

    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    epoch: int = 0
    building: bool = False
    problem: str | None = None
    cond: threading.Condition = field(default_factory=threading.Condition)

    def begin(self) -> None:
        with self.cond:
            self.building = True

    def end(self, problem: str | None) -> None:
        with self.cond:
            self.building = False
            self.problem = problem
            self.epoch += 1
            self.cond.notify_all()

    def wait_ready(self, timeout: float = 30.0) -> None:
        with self.cond:
            self.cond.wait_for(lambda: not self.building, timeout)


class LiveSite:
    """The engine behind the server, rebuilt from watcher batches."""

    def __init__(
        self, root: Path, overrides: dict[str, Any], log: Callable[[str], None] = print
    ) -> None:
        self.root = root.resolve()
        self.overrides = overrides
        self.log = log
        self.status = Status()
        self.engine = self._engine(load_config(self.root, **overrides))

    def _engine(self, config: Config) -> Engine:
        return Engine(self.root, config.replace(output=str(self.root / SERVE_OUTPUT)))

    @property
    def output(self) -> Path:
        return self.engine.output

    @property
    def base_path(self) -> str:
        return str(self.engine.globals["base_path"])

    def first_build(self) -> None:
        started = time.perf_counter()
        with paused_gc():
            result = self.engine.build()
            self.engine.understood()
        self._report(result.diagnostics)
        self.log(f"built {result.pages} pages in {time.perf_counter() - started:.2f} s")
        self.status.end(None)

    def rebuild(self, batch: Batch) -> None:
        """Apply one batch of changes; never raises (the server must survive)."""
        self.status.begin()
        started = time.perf_counter()
        problem = None
        try:
            with paused_gc():
                result = self._apply(batch)
            if result is not None:
                self.log(
                    f"rebuilt {result.rendered} pages in {1000 * (time.perf_counter() - started):.0f} ms"
                )
        except NoteErrors as exc:
            problem = self._report(exc.diagnostics)
            self.log("kept the last good site; fix the problem above to update it")
        except ConfigError as exc:
            problem = f"notesite.yaml: {exc}"
            self.log(problem)
        except Exception:
            problem = traceback.format_exc(limit=8)
            self.log(problem)
        self.status.end(problem)

    def _apply(self, batch: Batch) -> Any:
        if batch.config:
            self.engine.save()
            self.engine = self._engine(load_config(self.root, **self.overrides))
            result = self.engine.build()
            self.engine.understood()
            return result
        if batch.templates:
            self.engine.reload_templates()
        if any(p.endswith("/") for p in batch.paths):
            return self.engine.refresh()  # a folder moved: compare every file
        if batch.paths:
            return self.engine.update(sorted(batch.paths), fail_on_errors=True)
        return None

    def _report(self, diagnostics: tuple[Diagnostic, ...]) -> str | None:
        errors = [d for d in diagnostics if d.severity == Severity.ERROR]
        for d in errors:
            self.log(d.format())
        return "\n".join(d.format() for d in errors) or None


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
        self.site.first_build()
        handler = type("Handler", (ServerHandler,), {"site": self.site})
        try:
            self.http = http.server.ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = f"port {port} on {host} is in use; pick another with --port, or --port 0 for any free one"
                raise PortInUse(message) from exc
            raise
        self.http.daemon_threads = True
        self.url = f"http://{host}:{self.http.server_address[1]}{self.site.base_path}"
        config = self.site.engine.config
        self.watcher = Watcher(
            self.site.root,
            self.site.rebuild,
            ignore=(
                self.site.root / ".notesite-cache",
                self.site.output,
                (self.site.root / config.output).resolve(),
            ),
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
        self.site.engine.save()


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
