"""``notesite build``: load -> parse -> index -> resolve -> graph -> render -> write."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .diagnostics import Diagnostic, sort_key
from .load import Model, load_model, output_dir
from .outputs import attachments, emit_pages, extra_files, make_site, render_all
from .templates import default_templates
from .workers import paused_gc
from .write import WriteStats, check_output_dir, write_site

CACHE_DIR = ".notesite-cache"


@dataclass(frozen=True)
class BuildResult:
    model: Model
    output: Path
    pages: int
    files: int
    stats: WriteStats
    diagnostics: tuple[Diagnostic, ...]
    seconds: float
    stages: dict[str, float]
    """Seconds per stage, for the benchmark's profile."""


def template_search_path(root: Path, config: Config) -> tuple[str, ...]:
    """The vault's override folder first, then the theme notesite ships."""
    override = (root / config.templates).resolve()
    paths = [str(override)] if override.is_dir() else []
    return (*paths, str(default_templates()))


def manifest_path(root: Path, output: Path) -> Path:
    key = hashlib.blake2b(str(output).encode(), digest_size=6).hexdigest()
    return root / CACHE_DIR / f"manifest-{key}.json"


def _ensure_cache_dir(root: Path) -> None:
    cache = root / CACHE_DIR
    cache.mkdir(exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():  # the cache never belongs in the user's repository
        ignore.write_text("*\n", encoding="utf-8")


def build(
    root: Path,
    config: Config,
    jobs: int = 0,
    clean: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuildResult:
    """Build the site for the vault at ``root``; problems end up in the result."""
    with paused_gc():
        return _build(root, config, jobs, clean, progress)


def _build(
    root: Path,
    config: Config,
    jobs: int,
    clean: bool,
    progress: Callable[[str, int, int], None] | None,
) -> BuildResult:
    started = time.perf_counter()
    stages: dict[str, float] = {}
    clock = _Clock(stages)
    root = root.resolve()
    output = output_dir(root, config)
    check_output_dir(root, output)
    search_path = template_search_path(root, config)
    model = load_model(root, config, jobs, stages)  # load, parse, index, resolve, graph
    site = make_site(model, search_path)  # link views, dates, site-wide values
    clock("views")
    groups = emit_pages(site)  # every page as template + context + body
    clock("emit")
    total = sum(len(g) for g in groups)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("render", done, total)

    files = render_all(site, groups, search_path, jobs, step)  # templates, in the pool
    clock("render")
    files |= extra_files(site, search_path, [p.url for g in groups for p in g])
    clock("search+feeds")
    _ensure_cache_dir(root)
    stats = write_site(output, files, attachments(site), manifest_path(root, output), clean)
    clock("write")
    diagnostics = tuple(sorted((*model.diagnostics, *site.views.diagnostics), key=sort_key))
    return BuildResult(
        model, output, total, len(files), stats, diagnostics, time.perf_counter() - started, stages
    )


class _Clock:
    """Records the time since the previous call under a stage name."""

    def __init__(self, stages: dict[str, float]) -> None:
        self.stages = stages
        self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self.last
        self.last = now
