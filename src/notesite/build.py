"""``notesite build``: load -> parse -> index -> resolve -> graph -> render -> write.

The stages live in ``Engine.build``, which keeps the state a later build (or a
save under ``serve``) needs to redo only what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .config import Config
from .engine import Engine
from .results import BuildResult
from .workers import paused_gc

__all__ = ["BuildResult", "build"]


def build(
    root: Path,
    config: Config,
    jobs: int = 0,
    clean: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildResult:
    """Build (or bring up to date) the site for the vault at ``root``."""
    with paused_gc():
        return Engine(root, config, jobs).build(clean=clean, progress=progress)
