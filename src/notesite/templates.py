"""Jinja2 templates: the package's defaults, overridable file by file from the vault.

Like MkDocs' ``custom_dir``: a vault's ``templates/`` folder is searched first, so
a user can replace ``note.html`` or add ``static/custom.css`` without copying the
theme.  Autoescaping is always on; only the already-rendered note body is marked
safe.  ``render_page`` is the worker-side entry point: it fills the note body for
the page's URL and renders the template to bytes.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from .model import Fragment
from .paths import Url, VaultPath, absolute_href, output_path, relative_href, static_url
from .render import Embedded, Filler, NoteView
from .write import write_output


def default_templates() -> Path:
    """The theme shipped with notesite (in the wheel, or the repo's ``templates/``)."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True, slots=True)
class Body:
    """A note's fragment to fill for a page, and the notes it transcludes."""

    fragment: Fragment
    view: NoteView
    embedded: dict[VaultPath, Embedded] = field(default_factory=dict)
    segments: tuple[tuple[int, int, int | None], ...] = ((0, -1, None),)
    """``(start, end, card)`` part ranges; a card index wraps the range in its section."""
    key: str = ""
    """Content hash of the note: with the views, all a page digest needs of the body."""


@dataclass(frozen=True, slots=True)
class Page:
    url: Url
    template: str
    context: dict[str, Any]
    body: Body | None = None
    absolute: bool = False
    """Use root-based hrefs (for ``404.html``, served at any URL)."""


class Segment(NamedTuple):
    html: str
    card: int | None


@lru_cache(maxsize=4)
def environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(search_path)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        auto_reload=False,  # serve makes a new environment when a template changes
    )
    env.globals["static"] = static_url
    return env


def compile_templates(search_path: tuple[str, ...]) -> None:
    """Compile every page template now (a long-running server does it once)."""
    env = environment(search_path)
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def page_digest(page: Page, global_key: str) -> str:
    """Fingerprint of everything a page's bytes depend on (fragments by content hash).

    Pages whose digest did not change since the last build are not rendered.
    """
    body = page.body
    body_key = None
    if body is not None:
        embedded = tuple((p, e.key, e.title, e.url, e.view) for p, e in body.embedded.items())
        body_key = (body.key, body.view, body.segments, embedded)
    data = pickle.dumps(
        (global_key, page.url, page.template, page.absolute, page.context, body_key), 5
    )
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def template_fingerprint(search_path: tuple[str, ...]) -> str:
    """Hash of every template and static file, so caches notice theme changes."""
    digest = hashlib.blake2b(digest_size=12)
    for folder in search_path:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def render_page(
    page: Page, search_path: tuple[str, ...], site: dict[str, Any]
) -> tuple[str, bytes]:
    """One page to ``(output path, bytes)``; pure, so it can run in any process."""
    env = environment(search_path)
    base_path = site["base_path"]

    def href(url: str, fragment: str = "") -> str:
        if page.absolute:
            return absolute_href(base_path, Url(url), fragment)
        return relative_href(page.url, Url(url), fragment)

    context = dict(page.context)
    if page.body is not None:
        body = page.body
        filler = Filler(page.url, body.embedded)
        segments = [
            Segment(filler.fill(body.fragment, body.view, start, end), card)
            for start, end, card in body.segments
        ]
        context["segments"] = segments
        context["body"] = "".join(s.html for s in segments)
    html = env.get_template(page.template).render(context, href=href, site=site, page_url=page.url)
    return str(output_path(page.url)), html.encode("utf-8")


class RenderTask(NamedTuple):
    """A batch of pages for one worker: it renders them and writes the files itself,
    so no HTML travels back to the main process."""

    pages: tuple[Page, ...]
    search_path: tuple[str, ...]
    site: dict[str, Any]
    output: str
    recorded: dict[str, str]
    """Digests of the files as the last build wrote them."""
    force: bool = False


def render_batch(task: RenderTask) -> list[tuple[str, str, bool]]:
    """``(output path, content digest, written)`` for each page of the batch."""
    out = []
    for page in task.pages:
        rel, data = render_page(page, task.search_path, task.site)
        digest, written = write_output(
            Path(task.output), rel, data, task.recorded.get(rel), task.force
        )
        out.append((rel, digest, written))
    return out
