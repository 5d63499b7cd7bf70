"""Emit, fingerprint, render and write pages, on every core.

A page is named by a ``PageRef`` (a note, or an index page).  Workers are forked
after the vault is understood, so each inherits the whole site and needs only a
list of refs: nothing big is pickled, and emitting page contexts, fingerprinting
them, rendering templates and writing files all run in parallel.  A page whose
fingerprint matches the last build (and whose file is still there) is skipped.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .indexes import Indexes, fixed_pages
from .pages import backlinks_url, note_pages
from .paths import VaultPath, output_path, tag_url
from .site import Site
from .templates import Page, page_digest, render_page
from .workers import default_jobs
from .write import write_output

PageRef = tuple[str, str]
"""``("note", path)`` (a note's pages), ``("page", path)`` (its note page alone),
``("tag", ident)``, ``("author", key)`` or ``(index page, "")``."""

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


def all_refs(site: Site) -> list[PageRef]:
    refs: list[PageRef] = [("note", p) for p in site.model.vault.notes if p in site.published]
    refs += [
        ("home", ""),
        ("notes", ""),
        ("papers", ""),
        ("tags", ""),
        ("authors", ""),
        ("missing", ""),
    ]
    refs += [("tag", ident) for ident in site.model.graph.tags]
    refs += [("author", key) for key in site.model.graph.authors]
    refs += [("fixed", "")]
    return refs


SINGLE_URLS = {
    "home": "",
    "notes": "notes/",
    "papers": "papers/",
    "tags": "tags/",
    "authors": "authors/",
    "missing": "missing/",
}


def possible_urls(site: Site, ref: PageRef) -> set[str]:
    """Every page a ref can make (a superset: the caller keeps those that exist)."""
    kind, name = ref
    vault = site.model.vault
    if kind == "note":
        path = VaultPath(name)
        if path not in vault.notes:
            return set()
        urls: set[str] = {vault.urls[path], backlinks_url(vault.urls[path])}
        return urls | {vault.card_urls[(path, k)] for k in range(len(vault.notes[path].cards))}
    if kind == "page":
        return {vault.urls[VaultPath(name)]} if name in vault.notes else set()
    if kind == "tag":
        return {tag_url(name)}
    if kind == "author":
        url = site.views.author_urls.get(name)
        return {url} if url else set()
    if kind == "fixed":
        return {p.url for p in fixed_pages()}
    return {SINGLE_URLS[kind]}


def emit(site: Site, indexes: Indexes, ref: PageRef) -> tuple[Page, ...]:
    kind, name = ref
    if kind == "note":
        return note_pages(site, VaultPath(name))
    if kind == "page":
        return note_pages(site, VaultPath(name), full=False)
    if kind == "tag":
        return (indexes.tag(name),) if name in indexes.tags else ()
    if kind == "author":
        page = indexes.author(name) if name in indexes.authors else None
        return (page,) if page is not None else ()
    if kind == "fixed":
        return tuple(fixed_pages())
    single: dict[str, Callable[[], Page]] = {
        "home": indexes.home,
        "notes": indexes.notes,
        "papers": indexes.papers,
        "tags": indexes.tag_index,
        "authors": indexes.author_index,
        "missing": indexes.missing,
    }
    return (single[kind](),)


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
        for page in emit(job.site, indexes, ref):
            digest = page_digest(page, job.key)
            rel = str(output_path(page.url))
            recorded = job.manifest.get(rel)
            fresh = job.digests.get(page.url) == digest and recorded is not None
            if fresh and not job.clean and os.path.exists(job.output / rel):
                out.append(Outcome(number, page.url, digest, rel, recorded or "", False, False))
                continue
            rel, data = render_page(page, job.search_path, job.globals)
            file_digest, written = write_output(job.output, rel, data, recorded, job.clean)
            out.append(Outcome(number, page.url, digest, rel, file_digest, True, written))
    # Rendering leaves reference cycles (Jinja contexts and closures) and the
    # collector is paused in batch stages: without this, a worker grows by the size
    # of every page it rendered.  Only young objects are scanned (the inherited site
    # is frozen, see publish), so it costs little.
    gc.collect(1)
    return out


def publish(
    job: Job, refs: list[PageRef], jobs: int, progress: Callable[[int, int], None] | None = None
) -> list[Outcome]:
    """Bring the pages of ``refs`` up to date; results in the order of ``refs``."""
    global _JOB
    _JOB = job
    jobs = jobs or default_jobs()
    chunks = _schedule(refs)
    try:
        if jobs <= 1 or len(refs) < PARALLEL_MIN or not _can_fork():
            results: Iterable[list[Outcome]] = map(_run, chunks)
            return _collect(results, len(chunks), progress)
        gc.freeze()  # keep the inherited model's pages shared instead of copied by GC
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=gc.disable) as pool:
            return _collect(pool.map(_run, chunks), len(chunks), progress)
    finally:
        _JOB = None
        _INDEXES.clear()
        gc.unfreeze()


def _schedule(refs: list[PageRef]) -> list[list[tuple[int, PageRef]]]:
    """Chunks of numbered refs, the longest jobs first.

    The index pages (papers, all notes, home...) each list the whole vault and cost
    as much as hundreds of note pages: sent last, one of them would leave a core
    idle at the end of every build.  Each goes first, in a chunk of its own, so the
    small note chunks fill in around it.
    """
    numbered = list(enumerate(refs))
    heavy = [[item] for item in numbered if item[1][0] in SINGLE_URLS]
    rest = [item for item in numbered if item[1][0] not in SINGLE_URLS]
    return heavy + [rest[i : i + CHUNK] for i in range(0, len(rest), CHUNK)]


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


def retired(
    site: Site,
    refs: list[PageRef],
    outcomes: list[Outcome],
    digests: dict[str, str],
    complete: bool,
    previous: Site,
) -> tuple[set[str], bool]:
    """Pages the last build made that this pass no longer makes, and whether the
    site's set of URLs changed (the sitemap then follows).

    ``digests``: URL -> fingerprint of every page the last build made.
    ``complete``: ``refs`` is the whole site, so every page not made is gone; else a
    partial pass compares what each re-emitted ref made with what it could make
    before (``previous``: the site before the update, whose views and URLs were
    not updated in place).
    """
    fresh = {o.url for o in outcomes}
    if complete:
        gone = set(digests) - fresh
        return gone, bool(gone) or fresh != set(digests)
    gone = {u for ref in set(refs) for u in possible_urls(previous, ref) if u in digests}
    gone -= fresh  # a URL can pass from one ref to another (a card slug)
    return gone, bool(gone) or any(u not in digests for u in fresh)
