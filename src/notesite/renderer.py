"""Render and write pages: the work ``publish`` hands out, done here or in a helper.

The helper process is not a fork of the builder.  It starts small (from the
forkserver) and receives each page it must render, pickled: a forked helper would
share the site's memory only until it read it, since reading an object writes its
reference count, and at 50,000 notes the fork ended up holding a private copy of
1.2 GB of it.  A page's inputs are small next to that: its note's fragment, its
neighbours' titles and its panels.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from .diagnostics import Diagnostic
from .paths import Url
from .templates import (
    Page,
    Span,
    environment,
    render_page,
    splice_panels,
    template_problem,
)
from .write import file_digest, write_output


class Packed(NamedTuple):
    """A page pickled once: its digest is computed over these bytes, and a helper
    process receives them (pickling the context was most of the cost of each)."""

    url: Url
    absolute: bool
    main: bytes
    """URL, template, context, body: everything but the side panels."""
    panels: bytes | None
    digest: str
    """Fingerprint of everything the page's bytes depend on; pages whose digest did
    not change since the last build are not rendered.  The panels have their own
    part (``main/panels``), so a page whose panels alone changed gets new panels
    spliced in (``splice_panels``)."""


def pack(page: Page, global_key: str) -> Packed:
    main = pickle.dumps((page.url, page.template, page.context, page.body, page.absolute), 5)
    digest = _hash(global_key, main)
    panels = None
    if page.panels is not None:
        panels = pickle.dumps(page.panels, 5)
        digest = f"{digest}/{_hash(global_key, panels)}"
    return Packed(page.url, page.absolute, main, panels, digest)


def unpack(packed: Packed, panels_only: bool = False) -> Page:
    """The page again (``panels_only``: just what splicing new panels needs)."""
    panels = None if packed.panels is None else pickle.loads(packed.panels)
    if panels_only:
        return Page(packed.url, "", {}, None, packed.absolute, panels)
    url, template, context, body, absolute = pickle.loads(packed.main)
    return Page(url, template, context, body, absolute, panels)


def _hash(global_key: str, data: bytes) -> str:
    digest = hashlib.blake2b(global_key.encode(), digest_size=16)
    digest.update(data)
    return digest.hexdigest()


def main_digest(digest: str) -> str:
    """The part of a page digest that leaves out the side panels."""
    return digest.partition("/")[0]


def panels_part(digest: str) -> str:
    """The part of a page digest that covers the side panels alone."""
    return digest.partition("/")[2]


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


class Task(NamedTuple):
    """One page to render (or to give new panels) and write."""

    ref: int
    packed: Packed
    file: str
    recorded: str | None
    """Digest of the file the last build wrote (None: no file yet)."""
    span: Span | None = None
    """Only the panels changed: splice them into the file's last bytes, which sit here."""
    whole: bool = True
    """``packed`` is the whole page, to render if the splice cannot be done; False for
    a panels-only page: ``perform`` then returns None and the builder renders it."""
    page: Page | None = None
    """The page unpacked, in the process that made it (never sent to a helper)."""

    def sendable(self) -> Task:
        return self._replace(page=None)


@dataclass(frozen=True)
class Output:
    """How pages are rendered and where they go: the same for every task of a pass."""

    key: str
    """The build's global key: it changes with the templates, whose compiled form a
    long-lived helper must then drop."""
    search_path: tuple[str, ...]
    globals: dict[str, Any]
    root: Path
    clean: bool
    in_place: bool = False
    """Overwrite changed pages instead of replacing them (see ``write_output``)."""


_KEY: list[str] = [""]


def helper_run(output: Output, tasks: list[Task]) -> list[Outcome | None]:
    """``run`` in a helper process, whose compiled templates may be older than ``output``'s."""
    if _KEY[0] != output.key:
        environment.cache_clear()
        _KEY[0] = output.key
    return run(output, tasks)


def run(output: Output, tasks: list[Task]) -> list[Outcome | None]:
    """``perform`` each task, in order."""
    done = [perform(output, task) for task in tasks]
    # Rendering leaves reference cycles (Jinja contexts and closures) and the
    # collector is off in batch stages: without this, a process grows by the size
    # of every page it rendered.  Only this chunk's objects are young (the builder's
    # site is frozen, see publish), so it costs little.
    gc.collect(1)
    return done


def perform(output: Output, task: Task) -> Outcome | None:
    """Splice new panels into, or render, one page and write it; a template that
    fails is reported, and the rest of the site still builds."""
    url = task.packed.url
    try:
        if task.span is not None:
            spliced = _splice(output, task, task.page or unpack(task.packed, True), task.span)
            if spliced is not None or not task.whole:
                return spliced
        page = task.page or unpack(task.packed)
        rel, data, span = render_page(page, output.search_path, output.globals)
    except jinja2.TemplateError as exc:
        if not task.whole:
            return None  # the whole page's render reports it
        # an empty digest matches nothing: the next build tries the page again
        recorded = task.recorded or ""
        problem = template_problem(exc)
        return Outcome(task.ref, url, "", task.file, recorded, False, False, None, problem)
    digest, written = write_output(
        output.root, rel, data, task.recorded, output.clean, output.in_place
    )
    return Outcome(task.ref, url, task.packed.digest, rel, digest, True, written, span)


def _splice(output: Output, task: Task, page: Page, span: Span) -> Outcome | None:
    """The page's last bytes with new panels; None when those bytes are not the ones
    the last build wrote (the file was edited or is gone): render it in full then."""
    try:
        old = (output.root / task.file).read_bytes()
    except OSError:
        return None
    if file_digest(old) != task.recorded:
        return None
    data, span = splice_panels(page, output.search_path, output.globals, old, span)
    digest, written = write_output(
        output.root, task.file, data, task.recorded, output.clean, output.in_place
    )
    url, fingerprint = task.packed.url, task.packed.digest
    return Outcome(task.ref, url, fingerprint, task.file, digest, True, written, span)
