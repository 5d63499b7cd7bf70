"""Emit, fingerprint, render and write pages, on every core.

Work is a list of ``PageRef`` (see ``refs``).  This process holds the site: it
emits every page's context and fingerprints it.  A page whose fingerprint
matches the last build (and whose file is still there) is skipped; the others
become ``renderer.Task``s, for a note page whose fingerprint changed in its side
panels only a splice of new panels into its last bytes.  Tasks are rendered and
written by a helper process, which receives them pickled, and by this process
whenever the helper has enough queued: each core does what the other leaves.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .cache import State
from .diagnostics import Diagnostic
from .helpers import Helpers
from .indexes import Indexes
from .pages import note_panels
from .paths import VaultPath, output_path
from .refs import SINGLE_URLS, PageRef, emit
from .renderer import Outcome, Output, Task, main_digest, pack, panels_part, perform, run
from .site import Site
from .templates import Page, Span, keeps_rows
from .workers import default_jobs, has_forkserver

CHUNK = 40
# Below this many refs, starting a helper costs more than it saves.
PARALLEL_MIN = 400
# Chunks queued for each helper before this process renders one itself: enough
# that a helper never waits for work, few enough that both finish together.
BACKLOG = 3
# Before this process renders one of the index pages itself (``serve``, which keeps
# their rows), each helper gets this many chunks per 1,000 notes queued: an index
# page costs about as much as that at any vault size (the papers table at 10,000
# notes ≈ 0.5 s, 20 chunks of panels), and with only ``BACKLOG`` queued the helper
# sat idle for most of it.
HEAVY_BACKLOG = 2


@dataclass(frozen=True)
class Job:
    """A pass's inputs: the site, and what the last build made of it."""

    site: Site
    target: Output
    """How pages are rendered and where they go."""
    digests: dict[str, str]
    manifest: dict[str, str]
    spans: dict[str, Span]


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


def _check(job: Job, number: int, page: Page) -> Outcome | Task:
    """Skip the page if its inputs did not change, else the task that updates it."""
    packed = pack(page, job.target.key)
    digest = packed.digest
    rel = str(output_path(page.url))
    recorded = job.manifest.get(rel)
    if recorded is not None and not job.target.clean and os.path.exists(job.target.root / rel):
        old = job.digests.get(page.url)
        span = job.spans.get(page.url)
        if old == digest:
            return Outcome(number, page.url, digest, rel, recorded, False, False, span)
        if span is not None and old is not None and main_digest(old) == main_digest(digest):
            return Task(number, packed, rel, recorded, span, page=page)
    return Task(number, packed, rel, recorded, page=page)


def _panels_only(job: Job, number: int, path: VaultPath) -> Outcome | Task | None:
    """A note page whose main part is known unchanged: skipped, or new panels to
    splice into its last bytes if they changed (None: emit the page in full)."""
    url = job.site.model.vault.urls.get(path)
    old = job.digests.get(url) if url is not None else None
    span = job.spans.get(url) if url is not None else None
    rel = str(output_path(url)) if url is not None else ""
    recorded = job.manifest.get(rel)
    if url is None or old is None or span is None or recorded is None or job.target.clean:
        return None
    page = Page(url, "note.html", {}, panels=note_panels(job.site, path))
    packed = pack(page, job.target.key)
    digest = f"{main_digest(old)}/{panels_part(packed.digest)}"
    if digest == old and os.path.exists(job.target.root / rel):
        return Outcome(number, url, digest, rel, recorded, False, False, span)
    packed = packed._replace(digest=digest)
    return Task(number, packed, rel, recorded, span, whole=False, page=page)


def _plan(
    job: Job, indexes: Indexes, chunk: list[tuple[int, PageRef]]
) -> tuple[list[Outcome], list[Task]]:
    """The pages of a chunk of refs that are up to date, and tasks for the others."""
    done: list[Outcome] = []
    tasks: list[Task] = []
    for number, ref in chunk:
        # a ref of kind "page": a neighbour changed, only the page's panels can differ
        first = _panels_only(job, number, VaultPath(ref[1])) if ref[0] == "page" else None
        items = [first] if first is not None else [
            _check(job, number, page) for page in emit(job.site, indexes, ref)
        ]  # fmt: skip
        for item in items:
            if isinstance(item, Outcome):
                done.append(item)
            else:
                tasks.append(item)
    return done, tasks


def publish(
    job: Job,
    refs: list[PageRef],
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    helpers: Callable[[], Helpers] | None = None,
) -> list[Outcome]:
    """Bring the pages of ``refs`` up to date; results in the order of ``refs``.

    ``helpers``: gives the helper processes of a long-lived builder (``serve``),
    kept between passes; by default a pass starts its own and stops them after.
    """
    jobs = jobs or default_jobs()
    heavy, light = _schedule(refs)
    indexes = Indexes(job.site)
    # Everything alive now is the site: frozen, it is never scanned by the collector
    # (which ``renderer.run`` calls after each chunk).
    gc.freeze()
    pool = None
    if jobs > 1 and len(refs) >= PARALLEL_MIN and has_forkserver():
        pool = helpers() if helpers is not None else Helpers(jobs - 1)
    finished = False
    try:
        passes = _passes(job, indexes, refs, heavy, light, pool, len(pool.processes) if pool else 0)
        outcomes = _collect(passes, len(heavy) + len(light), progress)
        finished = True
        return outcomes
    finally:
        if pool is not None and (helpers is None or not finished):
            pool.close(finish=finished)  # a failed pass leaves nothing queued behind
        gc.unfreeze()


Pending = deque[tuple[int, list[Outcome], list[Task]]]
"""Chunks given to the helpers: their ids, with what ``_plan`` found up to date."""


def _passes(
    job: Job,
    indexes: Indexes,
    refs: list[PageRef],
    heavy: list[list[tuple[int, PageRef]]],
    light: list[list[tuple[int, PageRef]]],
    helpers: Helpers | None,
    count: int,
) -> Iterator[list[Outcome]]:
    """Each chunk's outcomes, as chunks are done (here, or by the helpers).

    The helpers get a chunk while fewer than ``BACKLOG`` each are queued; else this
    process renders it.  The heavy index pages go to the helpers first, unless this
    process keeps their rows for the next render (``serve``, see
    ``templates._Rows``): then it renders them itself while the helpers are busy.
    """
    output = job.target

    def settle(
        done: list[Outcome], tasks: list[Task], results: list[Outcome | None]
    ) -> list[Outcome]:
        out = list(done)
        for task, result in zip(tasks, results, strict=True):
            if result is not None:
                out.append(result)
                continue
            # a panels-only page whose file is not the one recorded: the whole page
            for page in emit(job.site, indexes, refs[task.ref]):
                item = _check(job, task.ref, page)
                whole = item if isinstance(item, Outcome) else perform(output, item)
                assert whole is not None
                out.append(whole)
        return out

    def here(chunk: list[tuple[int, PageRef]]) -> list[Outcome]:
        done, tasks = _plan(job, indexes, chunk)
        return settle(done, tasks, run(output, tasks))

    if helpers is None:
        yield from map(here, heavy + light)
        return
    mine = list(heavy) if keeps_rows(job.target.search_path) else []
    sent = [] if mine else heavy
    pending: Pending = deque()
    deep = max(BACKLOG, HEAVY_BACKLOG * len(job.site.model.vault.notes) // 1000) * count
    for number, chunk in enumerate(sent + light):
        done, tasks = _plan(job, indexes, chunk)
        while len(pending) >= deep and mine:
            yield here(mine.pop(0))
            yield from _finished(helpers, pending, settle)
        backlog = deep if mine else BACKLOG * count
        if tasks and (len(pending) < backlog or number < len(sent)):
            pending.append((helpers.submit(output, [t.sendable() for t in tasks]), done, tasks))
        else:
            yield settle(done, tasks, run(output, tasks))
        yield from _finished(helpers, pending, settle)
    yield from map(here, mine)
    while pending:
        ident, done, tasks = pending.popleft()
        yield settle(done, tasks, helpers.result(ident))


def _finished(
    helpers: Helpers,
    pending: Pending,
    settle: Callable[[list[Outcome], list[Task], list[Outcome | None]], list[Outcome]],
) -> Iterator[list[Outcome]]:
    while pending and helpers.done(pending[0][0]):
        ident, done, tasks = pending.popleft()
        yield settle(done, tasks, helpers.result(ident))


def _schedule(
    refs: list[PageRef],
) -> tuple[list[list[tuple[int, PageRef]]], list[list[tuple[int, PageRef]]]]:
    """Chunks of numbered refs: the heavy ones (one each), and the rest.

    The index pages (papers, all notes, home...) each list the whole vault and cost
    as much as hundreds of note pages: started last, one of them would leave a core
    idle at the end of every build.  Each is a chunk of its own, started first (by a
    helper, or, in ``serve``, by this process, which lives on and keeps the rows of
    their long tables for the next update, see ``templates._Rows``), so the small
    note chunks fill in around them.
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
