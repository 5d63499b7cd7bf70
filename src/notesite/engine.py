"""The build engine: the site's state, kept between builds so they can be partial.

``Engine.build`` brings the output up to date in the stages of the pipeline
(load -> parse -> index -> resolve -> graph -> render -> write), reusing what the
cache (or the previous build in this process) already did: unchanged notes are
not parsed, pages whose inputs did not change are not rendered, files whose bytes
did not change are not written.  ``Engine.update`` does the same for a few files
changed on disk, touching only their neighbourhood (``serve`` calls it on save).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from . import __version__
from .cache import (
    NotesFile,
    State,
    compare_stamps,
    load_notes,
    load_state,
    mark_unsaved,
    model_fingerprint,
    save,
)
from .config import Config
from .diagnostics import Diagnostic
from .gitdates import commit_dates, git_head
from .helpers import Helpers
from .incremental import patch, structural
from .load import output_dir, parse_all, understand
from .markdown import MARKDOWN_VERSION
from .model import Note
from .outputs import attachments, changed_extras, extra_files, search_docs
from .paths import Url, VaultPath, output_path
from .publish import PARALLEL_MIN, Job, publish, record
from .refs import PageRef, all_refs, retired
from .renderer import Output
from .results import BuildResult, Clock, result, settle
from .search import SearchIndex
from .site import Site, site_globals
from .sources import SourceFile, discover, read_source
from .templates import environment, page_problems, template_fingerprint, template_search_path
from .theme import extra_css
from .workers import start_forkserver
from .write import WriteStats, check_output_dir, remove_files, write_site

PARSER_KEY = f"{__version__}/{MARKDOWN_VERSION}/{model_fingerprint()}"
# More changed notes than this: a full pass (patching costs per changed note).
PATCH_MAX = 50


class Engine:
    in_place = False
    """Overwrite changed pages in place: only for an output that no server reads
    while pages are written (``serve``'s, whose requests wait for its rebuilds)."""
    helpers: Callable[[], Helpers] | None = None
    """Render helper processes to keep between passes (default: one set per pass)."""

    def __init__(self, root: Path, config: Config, jobs: int = 0) -> None:
        self.root = root.resolve()
        self.config = config
        self.jobs = jobs
        self.output = output_dir(self.root, config)
        check_output_dir(self.root, self.output)
        self.search_path = template_search_path(self.root, config.templates)
        self.globals = site_globals(config, extra_css(self.search_path))
        self.key = self._global_key()
        environment.cache_clear()  # templates are read again, as the key just was
        self.state = State(key=self.key)
        self.notes: dict[VaultPath, Note] = {}
        self.unreadable: dict[VaultPath, SourceFile] = {}
        self.site: Site | None = None
        self.search: SearchIndex | None = None
        self.git_dates: dict[VaultPath, str] = {}
        self.urls_changed = False
        self.failed: dict[str, Diagnostic] = {}
        """Pages whose template failed (the rest of the site was built)."""
        self.render_problems: tuple[Diagnostic, ...] = ()
        self._notes_dirty = True
        self._stamps_touched = False
        self._unsaved = False

    def _global_key(self) -> str:
        parts = (
            __version__,
            MARKDOWN_VERSION,
            repr(self.config),
            repr(self.globals),
            template_fingerprint(self.search_path),
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()

    # -- the pipeline -------------------------------------------------------------

    def build(
        self, clean: bool = False, progress: Callable[[str, int, int], None] | None = None
    ) -> BuildResult:
        """Bring the output up to date with the vault: cold, warm, or nothing to do."""
        clock = Clock()
        if not clean and not self.notes:
            self.state = load_state(self.root, self.output, self.key)
        assets, last_head = self.state.assets, self.state.git_head
        changed, removed = self.scan()  # load: which files differ from the last build
        clock("load")
        head = git_head(self.root)
        if (
            not clean
            and not changed
            and not removed
            and head == self.state.git_head
            and self._outputs_intact()
        ):
            if self._stamps_touched:
                self.save_state()
            return self._result(clock, rendered=0, stats=WriteStats(0, len(self.state.manifest), 0))
        self.state.git_head = head
        if not self.notes and not clean:
            self.notes, self.unreadable = load_notes(self.root, PARSER_KEY)
            self._notes_dirty = False
        if self.jobs != 1 and len(changed) >= PARALLEL_MIN // 2:
            start_forkserver()  # a big render ahead: its helper will be ready
        before = {s.path: self.notes.get(s.path) for s in changed}
        self.parse(changed, removed)  # parse: only new or changed notes
        del changed  # the text of every note, on a cold build: not needed past parsing
        clock("parse")
        # a few notes edited in place since a good build: patch the site that build
        # saw, as serve does, and check only the pages the edits reach
        patchable = not clean and not removed and assets == self.state.assets and head == last_head
        previous = self._previous_site(before) if patchable else None
        if previous is not None:
            site, refs = patch(previous, self.notes, set(before), self.git_dates)
            self.site = site
        else:
            site = self.understand()  # index, resolve, graph, views
            refs = all_refs(site)
        clock("resolve")
        rendered, stats = self.render_and_write(
            site, refs, clean, progress, complete=previous is None, previous=previous
        )  # changed pages
        clock("render")
        extra = self.write_extras(site, clean)
        clock("write")
        self.save()
        stats += extra
        return self._result(clock, rendered, stats)

    def _previous_site(self, before: dict[VaultPath, Note | None]) -> Site | None:
        """The site the last build made, if ``before`` (the changed notes as it saw
        them) were edited in place (see ``incremental.patch``) and that build's pages
        are all there and good; None: a full pass."""
        old = {p: n for p, n in before.items() if n is not None}
        if not old or len(old) != len(before) or len(old) > PATCH_MAX:
            return None
        if structural(old, self.notes, old) or "" in self.state.digests.values():
            return None  # identity changes, or pages a template failed on to retry
        if not self._outputs_intact():
            return None
        edited = {p: self.notes[p] for p in old}
        self.notes.update(old)
        try:
            return self.understand()
        finally:
            self.notes.update(edited)

    def scan(self) -> tuple[list[SourceFile], set[VaultPath]]:
        """Read the notes whose size or modification time changed since the last build."""
        inventory = discover(self.root, self.config.exclude, skip=(self.output,))
        self.state.assets = inventory.assets
        changed, removed, touched = compare_stamps(self.root, inventory.notes, self.state.stamps)
        self._stamps_touched |= touched
        return changed, removed

    def parse(self, changed: list[SourceFile], removed: set[VaultPath]) -> None:
        for path in removed:
            self.notes.pop(path, None)
            self.unreadable.pop(path, None)
        known = {p: n.content_hash for p, n in self.notes.items()}
        stale = [s for s in changed if known.get(s.path) != s.content_hash]
        # After a cold start from cache, notes whose stamps changed but bytes did not
        # are still valid; every note must exist in the end.
        missing = [p for p in self.state.stamps if p not in self.notes and p not in self.unreadable]
        have = {s.path for s in stale}
        stale += [read_source(self.root, p) for p in missing if p not in have]
        for source in stale:
            self.unreadable.pop(source.path, None)
            if source.text is None:
                self.notes.pop(source.path, None)
                self.unreadable[source.path] = source
        readable = [s for s in stale if s.text is not None]
        # every note is parsed now: the cache is written as the workers send them
        stream = NotesFile(self.root, PARSER_KEY) if not self.notes else None
        try:
            for note in parse_all(readable, self.jobs, sink=stream.add if stream else None):
                self.notes[note.path] = note
        finally:
            if stream is not None and stream.count != len(self.notes):
                stream.discard()  # parsed in this process (or failed): saved as before
                stream = None
        if stream is not None:
            stream.finish(self.unreadable)
            self._notes_dirty = False
        elif stale or removed:
            self._notes_dirty = True

    def understand(self) -> Site:
        """Index, resolve, graph and views for the current notes (the whole vault)."""
        from .outputs import make_site

        notes = dict(sorted(self.notes.items()))
        unreadable = [self.unreadable[p] for p in sorted(self.unreadable)]
        model = understand(self.root, self.config, notes.values(), unreadable, self.state.assets)
        self.git_dates = commit_dates(self.root) if self.state.git_head else {}
        self.site = make_site(model, self.search_path, self.git_dates)
        return self.site

    def render_and_write(
        self,
        site: Site,
        refs: list[PageRef],
        clean: bool,
        progress: Callable[[str, int, int], None] | None = None,
        complete: bool = True,
        previous: Site | None = None,
    ) -> tuple[int, WriteStats]:
        """Pages of ``refs`` whose inputs changed.

        ``complete``: ``refs`` is the whole site; else ``previous`` is the site before
        a partial update (to find the pages a re-emitted ref no longer makes)."""
        state = self.state
        target = Output(self.key, self.search_path, self.globals, self.output, clean, self.in_place)
        job = Job(site, target, state.digests, state.manifest, state.spans)
        if self.in_place and not self._unsaved:
            mark_unsaved(self.root, self.output)  # cleared when the state is saved
            self._unsaved = True
        report = (lambda done, total: progress("render", done, total)) if progress else None
        outcomes = publish(job, refs, self.jobs, report, self.helpers)
        made = {o.url for o in outcomes}
        gone, self.urls_changed = retired(
            site, refs, made, state.digests, complete, previous or site
        )
        removed = self._remove([str(output_path(Url(u))) for u in gone])
        record(state, outcomes, gone, self.failed)
        self.render_problems = page_problems(self.failed, self.root)
        rendered = sum(o.rendered for o in outcomes)
        written = sum(o.written for o in outcomes)
        failed = sum(o.problem is not None for o in outcomes)
        return rendered, WriteStats(written, len(outcomes) - written - failed, removed)

    def write_extras(
        self,
        site: Site,
        clean: bool = False,
        touched: set[VaultPath] | None = None,
        graph: bool = True,
    ) -> WriteStats:
        """Theme, search index, graph data, feeds and attachments (compared byte for byte).

        ``touched``: a partial update after those notes changed in place: only the
        search shards, graph data and feed they can affect are regenerated.
        """
        if touched is None or self.search is None:
            self.search = SearchIndex(search_docs(site))
            files = extra_files(site, self.search_path, sorted(self.state.digests), self.search)
            keep = {str(output_path(Url(u))) for u in self.state.digests}
            return write_site(
                self.output, files, attachments(site), self.state.manifest, keep, clean
            )
        pages = sorted(self.state.digests) if self.urls_changed else None
        changed, gone = changed_extras(site, self.search, touched, graph, pages)
        if changed is None:
            return self.write_extras(site, clean)  # documents came or went: a full index
        stats = write_site(
            self.output, changed, attachments(site, touched), self.state.manifest, None, clean
        )
        return WriteStats(stats.written, stats.unchanged, self._remove(gone))

    def save(self) -> None:
        save(
            self.root,
            self.output,
            self.state,
            self.notes if self._notes_dirty else None,
            self.unreadable,
            PARSER_KEY,
        )
        self._notes_dirty = False
        self._unsaved = False

    def save_state(self) -> None:
        save(self.root, self.output, self.state, None, self.unreadable)
        self._unsaved = False

    # -- helpers ------------------------------------------------------------------

    def _remove(self, rels: Iterable[str]) -> int:
        rels = list(rels)
        for rel in rels:
            self.state.manifest.pop(rel, None)
        return remove_files(self.output, rels)

    def _outputs_intact(self) -> bool:
        return self.state.outputs_intact(self.output)

    def _result(
        self, clock: Clock, rendered: int, stats: WriteStats, save: bool = True
    ) -> BuildResult:
        if self.site is not None:
            settle(self.state, self.site, self.render_problems)
            if save:
                self.save_state()
        return result(self.site, self.output, self.state, rendered, stats, clock)
