"""Understanding the vault: load -> parse -> index -> resolve -> graph.

The first half of the pipeline, shared by ``check``, ``build`` and ``serve``.  Each
stage takes frozen records and returns new ones; only ``discover``/``read_source``
touch the disk.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .diagnostics import Diagnostic, sort_key
from .graph import LinkGraph
from .model import Note
from .parse import parse_note
from .paths import VaultPath
from .resolve import Resolution, resolve
from .sources import SourceFile, discover, read_source
from .vault import Vault
from .workers import run_all


@dataclass(frozen=True)
class Model:
    """The whole vault understood: what ``check`` reports on and ``build`` renders."""

    root: Path
    config: Config
    vault: Vault
    resolution: Resolution
    graph: LinkGraph
    diagnostics: tuple[Diagnostic, ...]


def output_dir(root: Path, config: Config) -> Path:
    out = Path(config.output).expanduser()
    return (out if out.is_absolute() else root / out).resolve()


def parse_all(
    sources: list[SourceFile],
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
    render: bool = True,
    sink: Callable[[bytes, int], None] | None = None,
) -> list[Note]:
    """The readable ``sources`` parsed; ``sink`` as in ``workers.run_all``."""
    readable = [s for s in sources if s.text is not None]
    parse = parse_note if render else functools.partial(parse_note, render=False)
    return run_all(parse, readable, lambda s: len(s.text or ""), jobs, progress=progress, sink=sink)


def load_model(
    root: Path,
    config: Config,
    jobs: int = 0,
    stages: dict[str, float] | None = None,
    render: bool = True,
) -> Model:
    """Read and understand the vault; every problem ends up in ``diagnostics``."""
    times = stages if stages is not None else {}
    started = time.perf_counter()

    def clock(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        times[stage] = now - started
        started = now

    root = root.resolve()
    inventory = discover(root, config.exclude, skip=(output_dir(root, config),))
    sources = [read_source(root, path) for path in inventory.notes]
    clock("load")
    notes = parse_all(sources, jobs, render=render)
    clock("parse")
    unreadable = [s for s in sources if s.text is None]
    return understand(root, config, notes, unreadable, inventory.assets, clock)


def understand(
    root: Path,
    config: Config,
    notes: Iterable[Note],
    unreadable: Iterable[SourceFile],
    assets: Iterable[VaultPath],
    clock: Callable[[str], None] = lambda stage: None,
) -> Model:
    """Index, resolve and graph parsed notes; every problem ends up in ``diagnostics``."""
    vault = Vault.index(notes, assets)
    clock("index")
    resolution = resolve(vault)
    clock("resolve")
    graph = LinkGraph.build(vault.notes, resolution.targets)
    clock("graph")
    problems = [d for s in unreadable for d in s.diagnostics]
    problems += [d for n in vault.notes.values() for d in n.diagnostics]
    problems += [*vault.diagnostics, *resolution.diagnostics]
    return Model(root, config, vault, resolution, graph, tuple(sorted(problems, key=sort_key)))
