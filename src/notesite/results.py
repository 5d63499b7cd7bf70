"""What a build reports: its result, its stage clock, and refused changes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import State
from .diagnostics import Diagnostic, sort_key
from .load import Model
from .views import Views
from .write import WriteStats

if TYPE_CHECKING:
    from .site import Site


class NoteErrors(Exception):
    """Changed notes have errors (``update(fail_on_errors=True)``): nothing was applied."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class BuildResult:
    model: Model | None
    """The understood vault (None when nothing changed and nothing was loaded)."""
    output: Path
    pages: int
    """Pages in the site."""
    rendered: int
    """Pages rendered this time (the others were up to date)."""
    stats: WriteStats
    diagnostics: tuple[Diagnostic, ...]
    summary: dict[str, int]
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)


class Clock:
    """Wall time per pipeline stage (a stage entered twice adds up)."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self.started = self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self.last
        self.last = now


def all_diagnostics(
    model: Model, views: Views, render_problems: tuple[Diagnostic, ...]
) -> tuple[Diagnostic, ...]:
    """Every problem of a build, in report order: the vault's, the views', the templates'."""
    return tuple(sorted((*model.diagnostics, *views.diagnostics, *render_problems), key=sort_key))


def summary(model: Model) -> dict[str, int]:
    notes = model.vault.notes.values()
    return {
        "notes": len(model.vault.notes),
        "cards": sum(len(n.cards) for n in notes),
        "links": sum(len(n.links) for n in notes),
        "dangling": len(model.graph.missing),
    }


def settle(state: State, site: Site, render_problems: tuple[Diagnostic, ...]) -> None:
    """Keep a build's diagnostics and summary in its state: a build that finds
    nothing to do (and loads nothing) reports them again."""
    state.diagnostics = all_diagnostics(site.model, site.views, render_problems)
    state.summary = summary(site.model)


def result(
    site: Site | None,
    output: Path,
    state: State,
    rendered: int,
    stats: WriteStats,
    clock: Clock,
) -> BuildResult:
    return BuildResult(
        site.model if site else None,
        output,
        len(state.digests),
        rendered,
        stats,
        state.diagnostics,
        dict(state.summary),
        time.perf_counter() - clock.started,
        clock.stages,
    )
