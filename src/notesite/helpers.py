"""Helper processes that render pages they receive (see ``renderer``).

They come from the forkserver: a fork of the builder would share its heap only
until it read it (reference counts), and a spawned interpreter is slow to start.
They are started without the builder's ``__main__``: multiprocessing would run a
calling script's top level again in each of them, so a script that calls
``notesite.build`` without an ``if __name__ == "__main__"`` guard would build
twice over.  Nothing they need lives there.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import signal
import sys
import types
from collections.abc import Iterator
from typing import Any

from .renderer import Outcome, Output, Task, helper_run
from .workers import forkserver

# How long to wait for a result before checking that the helpers are alive.
POLL = 1.0


class HelperError(RuntimeError):
    pass


def _serve(inbox: Any, outbox: Any) -> None:
    gc.disable()  # see renderer.run, which collects after each chunk
    # Ctrl-C reaches the whole process group: the builder stops its helpers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (item := inbox.get()) is not None:
        ident, output, tasks = item
        try:
            outbox.put((ident, helper_run(output, tasks), None))
        except Exception as exc:  # reported by the builder, which stops
            outbox.put((ident, None, f"{type(exc).__name__}: {exc}"))


@contextlib.contextmanager
def _no_main() -> Iterator[None]:
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class Helpers:
    """``count`` helper processes sharing one queue of chunks; results by chunk id."""

    def __init__(self, count: int) -> None:
        context = forkserver()
        self.inbox = context.Queue()
        self.outbox = context.Queue()
        self.processes = [
            context.Process(target=_serve, args=(self.inbox, self.outbox), daemon=True)
            for _ in range(count)
        ]
        with _no_main():
            for process in self.processes:
                process.start()
        self.results: dict[int, list[Outcome | None]] = {}
        self.next = 0
        self.closed = False

    def submit(self, output: Output, tasks: list[Task]) -> int:
        ident = self.next
        self.next += 1
        self.inbox.put((ident, output, tasks))
        return ident

    def done(self, ident: int) -> bool:
        self._receive(block=False)
        return ident in self.results

    def result(self, ident: int) -> list[Outcome | None]:
        while ident not in self.results:
            self._receive(block=True)
        return self.results.pop(ident)

    def _receive(self, block: bool) -> None:
        """Take every result that is ready (with ``block``: wait for one first)."""
        while True:
            try:
                ident, outcomes, error = self.outbox.get(block, POLL)
            except queue.Empty:
                if not block:
                    return
                if not all(p.is_alive() for p in self.processes):
                    raise HelperError("a render helper process died") from None
                continue
            if error is not None:
                raise HelperError(f"rendering pages failed in a helper: {error}")
            self.results[ident] = outcomes
            block = False

    def close(self, finish: bool = True) -> None:
        """Stop the helpers once their queued work is done (``finish``), or now."""
        if self.closed:
            return
        self.closed = True
        if finish:
            for _ in self.processes:
                self.inbox.put(None)
        for process in self.processes:
            if finish:
                process.join(10)
            if process.is_alive():
                process.terminate()
                process.join()
        for box in (self.inbox, self.outbox):
            if not finish:
                box.cancel_join_thread()  # what is left in the pipe has no reader
            box.close()
            box.join_thread()
