"""The serve builder: the engine in its own single-threaded process.

The server process runs threads (HTTP requests, the file watcher); forking worker
processes from a threaded process can deadlock them.  So ``serve`` keeps the
engine in a separate process started with ``spawn``: it has no other threads,
so a big rebuild (a hub note retitled, thousands of pages) still renders on every
core, and a crash in a build cannot take the server down.  The two talk over a
pipe: batches of changed paths go in, reports come out.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .config import Config, ConfigError, load_config
from .diagnostics import Code, Diagnostic, Severity
from .live import LiveEngine
from .results import BuildResult, NoteErrors
from .watch import Batch
from .workers import paused_gc

SERVE_OUTPUT = ".notesite-cache/serve"
FINISH_DELAY = 0.4


@dataclass
class Report:
    problem: str | None = None
    rendered: int = 0
    log: list[str] = field(default_factory=list)
    base_path: str = "/"
    output: str = ""


class SiteBuilder:
    """Applies batches to the engine; never raises (the server must survive)."""

    def __init__(self, root: Path, overrides: dict[str, Any]) -> None:
        self.root = root.resolve()
        self.overrides = overrides
        self.engine = self._engine(load_config(self.root, **overrides))

    def _engine(self, config: Config) -> LiveEngine:
        return LiveEngine(self.root, config.replace(output=str(self.root / SERVE_OUTPUT)))

    def report(self, **values: Any) -> Report:
        return Report(
            base_path=str(self.engine.globals["base_path"]),
            output=str(self.engine.output),
            **values,
        )

    def first_build(self) -> Report:
        started = time.perf_counter()
        with paused_gc():
            result = self.engine.build()
            self.engine.understood()
        log = [d.format() for d in result.diagnostics if d.severity == Severity.ERROR]
        log.append(f"built {result.pages} pages in {time.perf_counter() - started:.2f} s")
        return self.report(log=log)

    def apply(self, batch: Batch) -> Report:
        started = time.perf_counter()
        try:
            with paused_gc():
                result = self._apply(batch)
        except NoteErrors as exc:
            problem = _errors(exc.diagnostics)
            return self.report(
                problem=problem,
                log=[problem or "", "kept the last good site; fix the problem above to update it"],
            )
        except ConfigError as exc:
            problem = f"notesite.yaml: {exc}"
            return self.report(problem=problem, log=[problem])
        except Exception:
            problem = traceback.format_exc(limit=8)
            return self.report(problem=problem, log=[problem])
        if result is None:
            return self.report()
        broken = [d for d in result.diagnostics if d.code == Code.TEMPLATE_ERROR]
        if broken:  # the pages it could not render keep their last good version
            problem = _errors(tuple(broken))
            return self.report(problem=problem, log=[problem or ""])
        ms = 1000 * (time.perf_counter() - started)
        return self.report(
            rendered=result.rendered, log=[f"rebuilt {result.rendered} pages in {ms:.0f} ms"]
        )

    def finish(self) -> None:
        """Search shards, graph data and feed, after the pages (never raises either)."""
        try:
            with paused_gc():
                self.engine.finish()
        except Exception:
            traceback.print_exc()

    def _apply(self, batch: Batch) -> BuildResult | None:
        if batch.config:
            self.engine.save()
            self.engine.close()
            self.engine = self._engine(load_config(self.root, **self.overrides))
            rebuilt = self.engine.build()
            self.engine.understood()
            return rebuilt
        result = self.engine.reload_templates() if batch.templates else None
        if any(p.endswith("/") for p in batch.paths):
            return self.engine.refresh()  # a folder moved: compare every file
        if batch.paths:
            return self.engine.update(sorted(batch.paths), fail_on_errors=True)
        return result


def _errors(diagnostics: tuple[Diagnostic, ...]) -> str | None:
    return "\n".join(d.format() for d in diagnostics if d.severity == Severity.ERROR) or None


def _main(conn: Connection, root: str, overrides: dict[str, Any]) -> None:
    """The builder process: first build, then one report per batch, until told to stop."""
    try:
        builder = SiteBuilder(Path(root), overrides)
        conn.send(builder.first_build())
    except Exception as exc:  # a broken config at start: say so, then stop
        conn.send(
            Report(problem=f"{type(exc).__name__}: {exc}", log=[traceback.format_exc(limit=8)])
        )
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        conn.send(builder.apply(message))  # the pages are on disk: tabs may reload
        # Search shards and graph data can wait a moment: the reloading tabs need the
        # CPU now, and the next save, if it comes first, folds into the same update.
        if not conn.poll(FINISH_DELAY):
            builder.finish()
    builder.finish()
    builder.engine.save()
    builder.engine.close()


class BuilderProcess:
    """The server side of the pipe."""

    def __init__(self, root: Path, overrides: dict[str, Any]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_main, args=(child, str(root), overrides), name="notesite-builder"
        )
        self.process.start()
        child.close()

    def receive(self) -> Report:
        try:
            report: Report = self.conn.recv()
        except (EOFError, OSError):
            return Report(
                problem="the builder process stopped unexpectedly; restart notesite serve"
            )
        return report

    def apply(self, batch: Batch) -> Report:
        try:
            self.conn.send(batch)
        except (BrokenPipeError, OSError):
            return Report(
                problem="the builder process stopped unexpectedly; restart notesite serve"
            )
        return self.receive()

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.terminate()
        self.conn.close()
