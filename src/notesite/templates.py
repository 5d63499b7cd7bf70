"""Jinja2 templates: the package's defaults, overridable file by file from the vault.

Like MkDocs' ``custom_dir``: a vault's ``templates/`` folder is searched first, so
a user can replace ``note.html`` or add ``static/custom.css`` without copying the
theme.  Autoescaping is always on; only the already-rendered note body is marked
safe.  ``render_page`` is the worker-side entry point: it fills the note body for
the page's URL and renders the template to bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from .model import Fragment
from .paths import Url, VaultPath, absolute_href, output_path, relative_href, static_url
from .render import Embedded, Filler, NoteView


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


@dataclass(frozen=True, slots=True)
class Page:
    url: Url
    template: str
    context: dict[str, Any]
    body: Body | None = None
    absolute: bool = False
    """Use root-based hrefs (for ``404.html``, served at any URL)."""


@dataclass(frozen=True, slots=True)
class Segment:
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
    )
    env.globals["static"] = static_url
    return env


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


def render_pages(
    batch: tuple[tuple[Page, ...], tuple[str, ...], dict[str, Any]],
) -> list[tuple[str, bytes]]:
    """A batch of pages sharing template settings (the unit sent to a worker)."""
    pages, search_path, site = batch
    return [render_page(p, search_path, site) for p in pages]
