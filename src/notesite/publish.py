"""Emit, fingerprint, render and write pages, on every core.

Work is a list of ``PageRef`` (see ``refs``).  Workers are forked after the vault
is understood, so each inherits the whole site and needs only a list of refs:
nothing big is pickled, and emitting page contexts, fingerprinting them, rendering
templates and writing files all run in parallel (the main process takes its share).
A page whose fingerprint matches the last build (and whose file is still there) is
skipped; a note page whose fingerprint changed in its side panels only gets new
panels spliced into its last bytes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from .cache import State
from .diagnostics import Diagnostic
from .indexes import Indexes
from .pages import note_panels
from .paths import VaultPath, output_path
from .refs import SINGLE_URLS, PageRef, emit
from .site import Site
from .templates import (
    Page,
    Span,
    main_digest,
    page_digest,
    panels_digest,
    render_page,
    splice_panels,
    template_problem,
)
from .workers import default_jobs
from .write import file_digest, write_output

CHUNK = 40
# Below this many refs, forking workers costs more than it saves.
PARALLEL_MIN = 400


class Outcome(NamedTuple):
    ref: int
    """Index of the ``PageRef`` that produced the page."""
    url: str
    digest: str
    """Fingerprint of the page's inputs."""
    file: str
    file_digest: str
    rendered: bool
    written: bool
    span: Span | None = None
    """Where the note page's side panels are in its bytes (for ``splice_panels``)."""
    problem: Diagnostic | None = None
    """The page's template failed: nothing was written (the last good page stays)."""


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, inherited through fork (or used in-process)."""

    site: Site
    key: str
    search_path: tuple[str, ...]
    globals: dict[str, Any]
    output: Path
    digests: dict[str, str]
    manifest: dict[str, str]
    clean: bool
    spans: dict[str, Span]
    in_place: bool = False
    """Overwrite changed pages instead of replacing them (see ``write_output``)."""


_JOB: Job | None = None
_INDEXES: dict[int, Indexes] = {}


def _run(refs: list[tuple[int, PageRef]]) -> list[Outcome]:
    job = _JOB
    assert job is not None
    # One Indexes per process and site: its tables (tag totals, the papers list)
    # are built once, not once per chunk.
    indexes = _INDEXES.get(id(job.site))
    if indexes is None or indexes.site is not job.site:
        _INDEXES.clear()
        indexes = _INDEXES[id(job.site)] = Indexes(job.site)
    out = []
    for number, ref in refs:
        if ref[0] == "page":  # a neighbour changed: only this page's panels can differ
            try:
                spliced = _panels_only(job, number, VaultPath(ref[1]))
            except jinja2.TemplateError:
                spliced = None  # the full render reports it
            if spliced is not None:
                out.append(spliced)
                continue
        for page in emit(job.site, indexes, ref):
            out.append(_publish(job, number, page, page_digest(page, job.key)))
    # Rendering leaves reference cycles (Jinja contexts and closures) and the
    # collector is off in batch stages: without this, a process grows by the size
    # of every page it rendered.  Only this chunk's objects are young (the site is
    # frozen, see publish), so it costs little.
    gc.collect(1)
    return out


def record(
    state: State, outcomes: list[Outcome], gone: set[str], failed: dict[str, Diagnostic]
) -> None:
    """What a pass made, into the build state (``failed``: pages whose template failed)."""
    for url in gone:
        del state.digests[url]
        state.spans.pop(url, None)
        failed.pop(url, None)
    for o in outcomes:
        if o.file_digest:
            state.manifest[o.file] = o.file_digest
        state.digests[o.url] = o.digest
        if o.span is None:
            state.spans.pop(o.url, None)
        else:
            state.spans[o.url] = o.span
        if o.problem is None:
            failed.pop(o.url, None)
        else:
            failed[o.url] = o.problem


def _publish(job: Job, number: int, page: Page, digest: str) -> Outcome:
    """Skip, splice new panels into, or render one page; a template that fails is
    reported, and the rest of the site still builds."""
    try:
        return _publish_page(job, number, page, digest)
    except jinja2.TemplateError as exc:
        rel = str(output_path(page.url))
        recorded = job.manifest.get(rel, "")
        # an empty digest matches nothing: the next build tries the page again
        problem = template_problem(exc)
        return Outcome(number, page.url, "", rel, recorded, False, False, None, problem)


def _publish_page(job: Job, number: int, page: Page, digest: str) -> Outcome:
    rel = str(output_path(page.url))
    recorded = job.manifest.get(rel)
    old = job.digests.get(page.url)
    span = job.spans.get(page.url)
    if recorded is not None and not job.clean and os.path.exists(job.output / rel):
        if old == digest:
            return Outcome(number, page.url, digest, rel, recorded, False, False, span)
        if span is not None and old is not None and main_digest(old) == main_digest(digest):
            spliced = _splice(job, number, page, digest, rel, recorded, span)
            if spliced is not None:
                return spliced
    rel, data, span = render_page(page, job.search_path, job.globals)
    written_digest, written = write_output(job.output, rel, data, recorded, job.clean, job.in_place)
    return Outcome(number, page.url, digest, rel, written_digest, True, written, span)


def _panels_only(job: Job, number: int, path: VaultPath) -> Outcome | None:
    """A note page whose main part is known unchanged: new panels, if they changed,
    spliced into its last bytes (None: render the page in full)."""
    url = job.site.model.vault.urls.get(path)
    old = job.digests.get(url) if url is not None else None
    span = job.spans.get(url) if url is not None else None
    rel = str(output_path(url)) if url is not None else ""
    recorded = job.manifest.get(rel)
    if url is None or old is None or span is None or recorded is None or job.clean:
        return None
    panels = note_panels(job.site, path)
    digest = f"{main_digest(old)}/{panels_digest(panels, job.key)}"
    if digest == old and os.path.exists(job.output / rel):
        return Outcome(number, url, digest, rel, recorded, False, False, span)
    page = Page(url, "note.html", {}, panels=panels)
    return _splice(job, number, page, digest, rel, recorded, span)


def _splice(
    job: Job, number: int, page: Page, digest: str, rel: str, recorded: str, span: Span
) -> Outcome | None:
    """The page's last bytes with new panels; None when those bytes are not the ones
    the last build wrote (the file was edited or is gone): render it in full then."""
    try:
        old = (job.output / rel).read_bytes()
    except OSError:
        return None
    if file_digest(old) != recorded:
        return None
    data, span = splice_panels(page, job.search_path, job.globals, old, span)
    written_digest, written = write_output(job.output, rel, data, recorded, job.clean, job.in_place)
    return Outcome(number, page.url, digest, rel, written_digest, True, written, span)


def publish(
    job: Job, refs: list[PageRef], jobs: int, progress: Callable[[int, int], None] | None = None
) -> list[Outcome]:
    """Bring the pages of ``refs`` up to date; results in the order of ``refs``."""
    global _JOB
    _JOB = job
    jobs = jobs or default_jobs()
    heavy, light = _schedule(refs)
    # Everything alive now is the site: frozen, it is never scanned by the collector
    # (which ``_run`` calls after each chunk) and, in forked workers, never copied
    # by it either.
    gc.freeze()
    try:
        if jobs <= 1 or len(refs) < PARALLEL_MIN or not _can_fork():
            chunks = heavy + light
            results: Iterable[list[Outcome]] = map(_run, chunks)
            return _collect(results, len(chunks), progress)
        # this process takes chunks from the back: the heavy ones, first
        chunks = light + heavy[::-1]
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs - 1, mp_context=ctx, initializer=gc.disable) as pool:
            return _collect(_share(pool, chunks), len(chunks), progress)
    finally:
        _JOB = None
        _INDEXES.clear()
        gc.unfreeze()


def _share(
    pool: ProcessPoolExecutor, chunks: list[list[tuple[int, PageRef]]]
) -> Iterator[list[Outcome]]:
    """Chunks done by the pool's workers, taken from the front, and by this process,
    taken from the back until the two meet.

    This process holds the site already: rendering here instead of in one more
    forked worker saves that worker's copy of every page of the site it touches
    (reference counts write to them): a fifth less peak memory at 10,000 notes, and
    faster, as no core waits on a process that only collects results.
    """
    futures = [pool.submit(_run, chunk) for chunk in chunks]
    try:
        mine = len(futures)
        while mine > 0 and futures[mine - 1].cancel():  # not started by a worker yet
            mine -= 1
            yield _run(chunks[mine])
        for future in futures[:mine]:
            yield future.result()
    except BaseException:
        for future in futures:  # do not render the rest of the site before failing
            future.cancel()
        raise


def _schedule(
    refs: list[PageRef],
) -> tuple[list[list[tuple[int, PageRef]]], list[list[tuple[int, PageRef]]]]:
    """Chunks of numbered refs: the heavy ones (one each), and the rest.

    The index pages (papers, all notes, home...) each list the whole vault and cost
    as much as hundreds of note pages: started last, one of them would leave a core
    idle at the end of every build.  Each is a chunk of its own, done first, so the
    small note chunks fill in around them; they are done by the main process, which
    in ``serve`` lives on and keeps the rows of their long tables (see
    ``templates._Rows``) for the next update.
    """
    numbered = list(enumerate(refs))
    heavy = [[item] for item in numbered if item[1][0] in SINGLE_URLS]
    rest = [item for item in numbered if item[1][0] not in SINGLE_URLS]
    return heavy, [rest[i : i + CHUNK] for i in range(0, len(rest), CHUNK)]


def _collect(
    results: Iterable[list[Outcome]], total: int, progress: Callable[[int, int], None] | None
) -> list[Outcome]:
    out: list[Outcome] = []
    for done, chunk in enumerate(results, 1):
        out += chunk
        if progress:
            progress(done, total)
    out.sort(key=lambda o: o.ref)  # the order of ``refs``, however they were scheduled
    return out


def _can_fork() -> bool:
    """Fork only a single-threaded process (a forked thread's locks stay held)."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
