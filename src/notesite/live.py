"""The engine as ``serve`` drives it: long-lived, updated file by file.

``LiveEngine.update`` applies a watcher's batch: a partial update when the change
leaves every note's publication alone (``incremental.patch`` names the pages to
check), else a full pass that still renders only pages whose inputs changed.  The
pages are written first; the search shards, graph data and feed follow in
``finish`` so that what the writer is looking at is on disk as soon as possible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from .cache import Stamp, load_notes
from .config import Config
from .diagnostics import Severity
from .engine import PARSER_KEY, Engine
from .helpers import Helpers
from .incremental import patch, structural
from .load import parse_all
from .outputs import search_docs
from .paths import VaultPath
from .refs import all_refs
from .results import BuildResult, Clock, NoteErrors
from .search import SearchIndex
from .site import Site, site_globals
from .sources import SourceFile, discover, excluded_path, read_source
from .templates import compile_templates, environment, keep_rows, template_search_path
from .theme import extra_css
from .workers import default_jobs
from .write import WriteStats


class LiveEngine(Engine):
    in_place = True  # serve's own output: requests wait while pages are written
    pending: tuple[set[VaultPath], bool] | None = None
    """Notes whose search records (and whether graph data) still need writing."""

    def __init__(self, root: Path, config: Config, jobs: int = 0) -> None:
        super().__init__(root, config, jobs)
        keep_rows(self.search_path)
        self._helpers: Helpers | None = None
        self.helpers = self._kept_helpers

    def _kept_helpers(self) -> Helpers:
        """The render helpers, kept between updates (their templates stay compiled);
        new ones after a pass that failed stopped them."""
        if self._helpers is None or self._helpers.closed:
            self._helpers = Helpers((self.jobs or default_jobs()) - 1)
        return self._helpers

    def close(self) -> None:
        if self._helpers is not None:
            self._helpers.close()

    def update(self, paths: Iterable[str], fail_on_errors: bool = False) -> BuildResult:
        """Rebuild after files (vault-relative paths) changed on disk: a partial build
        when the change leaves every note's identity alone, else a full pass that
        still renders only the pages whose inputs changed."""
        old = self.understood()
        clock = Clock()
        wanted = {VaultPath(p) for p in paths}
        notes = {p for p in wanted if p.lower().endswith(".md")}
        assets_changed = bool(wanted - notes)
        changed, removed = self.scan_paths(notes)
        if fail_on_errors:
            self._refuse_errors(changed)
        if assets_changed:
            self.state.assets = discover(self.root, self.config.exclude, skip=(self.output,)).assets
        clock("load")
        self.parse(changed, removed)
        clock("parse")
        touched = {s.path for s in changed}
        if not touched and not removed and not assets_changed:
            return self._result(clock, 0, WriteStats(0, 0, 0))
        old_notes = old.model.vault.notes
        if (
            removed
            or assets_changed
            or any(p not in self.notes for p in touched)
            or structural(old_notes, self.notes, touched)
        ):
            site = self.understand()
            clock("resolve")
            rendered, stats = self.render_and_write(site, all_refs(site), False)
            clock("render")
            self.pending = None
            extra = self.write_extras(site)
        else:
            old_targets = old.model.resolution.targets
            site, refs = patch(old, self.notes, touched, self.git_dates)
            self.site = site
            clock("resolve")
            rendered, stats = self.render_and_write(site, refs, False, complete=False, previous=old)
            clock("render")
            targets = site.model.resolution.targets
            # the notes ``patch`` resolved again: the changed ones and their linkers
            relinked = [p for p, t in targets.items() if t is not old_targets.get(p)]
            graph = any(old_targets.get(p) != targets[p] for p in relinked) or any(
                old_notes[p].title != self.notes[p].title
                or [c.title for c in old_notes[p].cards] != [c.title for c in self.notes[p].cards]
                for p in touched
            )
            # the search shards, graph data and feed wait for ``finish``: the pages
            # are what the writer is looking at
            pending = self.pending or (set(), False)
            self.pending = (pending[0] | touched, pending[1] or graph)
            extra = WriteStats(0, 0, 0)
        clock("write")
        stats += extra
        return self._result(clock, rendered, stats, save=False)

    def finish(self) -> WriteStats:
        """Write what the last partial updates left for later (search, graph, feed)."""
        if self.pending is None or self.site is None:
            return WriteStats(0, 0, 0)
        touched, graph = self.pending
        self.pending = None
        return self.write_extras(self.site, touched=touched, graph=graph)

    def _refuse_errors(self, changed: list[SourceFile]) -> None:
        """Keep the last good state when a changed note cannot be read or has errors."""
        errors = tuple(d for s in changed for d in s.diagnostics if d.severity == Severity.ERROR)
        readable = [s for s in changed if s.text is not None]
        errors += tuple(
            d for n in parse_all(readable, 1) for d in n.diagnostics if d.severity == Severity.ERROR
        )
        if errors:
            for source in changed:  # forget the new stamps, so the fixed file is read again
                self.state.stamps.pop(source.path, None)
            raise NoteErrors(errors)

    def refresh(self) -> BuildResult:
        """Compare every file with the last build (after a folder moved, say)."""
        changed, removed = self.scan()
        self.parse(changed, removed)
        return self._everything(self.understand())

    def reload_templates(self) -> BuildResult:
        """Templates or theme files changed: re-render every page, parse nothing."""
        environment.cache_clear()
        self.search_path = template_search_path(self.root, self.config.templates)
        keep_rows(self.search_path)
        self.globals = site_globals(self.config, extra_css(self.search_path))
        self.key = self._global_key()
        self.site = dataclasses.replace(self.understood(), globals=self.globals)
        return self._everything(self.site)

    def _everything(self, site: Site) -> BuildResult:
        """Every page and extra file checked (only those whose inputs changed rendered)."""
        rendered, stats = self.render_and_write(site, all_refs(site), False)
        stats += self.write_extras(site)
        return self._result(Clock(), rendered, stats, save=False)

    def understood(self) -> Site:
        """The understood vault, loading it from the cache if a build skipped that."""
        if self.site is None:
            if not self.notes:
                self.notes, self.unreadable = load_notes(self.root, PARSER_KEY)
            self.parse([], set())
            self.site = self.understand()
        if self.search is None:
            self.search = SearchIndex(search_docs(self.site))
            compile_templates(self.search_path)  # so the first save renders at full speed
            # ranked once now, kept through edits: the first title change of a hub
            # then re-renders its linkers' panels as fast as the next one
            graph = self.site.model.graph
            for path in self.site.published:
                graph.related(path)
        return self.site

    def scan_paths(self, paths: Iterable[VaultPath]) -> tuple[list[SourceFile], set[VaultPath]]:
        """Like ``scan``, for a few notes named by a file watcher."""
        changed: list[SourceFile] = []
        removed: set[VaultPath] = set()
        for path in sorted(paths):
            full = self.root / path
            if not full.is_file() or excluded_path(path, self.config.exclude):
                if self.state.stamps.pop(path, None) is not None or path in self.notes:
                    removed.add(path)
                continue
            stat = full.stat()
            source = read_source(self.root, path)
            old = self.state.stamps.get(path)
            self.state.stamps[path] = Stamp(stat.st_size, stat.st_mtime_ns, source.content_hash)
            if old is None or old.digest != source.content_hash or path not in self.notes:
                changed.append(source)
        return changed, removed
