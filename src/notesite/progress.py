"""A dependency-free progress bar for long builds, on a terminal only."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """Shows ``stage [#####     ] done/total`` once a build has run for a second."""

    def __init__(self, delay: float = 1.0, width: int = 30) -> None:
        self.started = time.monotonic()
        self.delay = delay
        self.width = width
        self.shown = False
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.delay or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + " " * (self.width - filled)
        sys.stderr.write(f"\r{stage:>8} [{bar}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * (self.width + 40) + "\r")
            sys.stderr.flush()
