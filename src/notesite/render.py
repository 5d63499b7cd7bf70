"""Fill a note's ``Fragment`` holes for one page: links, embeds, tags and authors.

The parse rendered everything that depends only on the note itself; what depends
on other notes was left as holes.  ``views`` (computed once per note in the main
process) say what each hole becomes; ``fill`` turns fragment + views + the URL of
the page being written into HTML.  It is pure and cheap, so a title change in one
note re-fills the pages that link to it without parsing anything.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from html import escape
from typing import ClassVar, Literal, NamedTuple

from .model import Fragment
from .paths import Url, VaultPath, relative_href

EmbedKind = Literal["note", "image", "pdf", "audio", "video", "file", "missing", "cycle"]
MAX_EMBED_DEPTH = 4


class EmbedView(NamedTuple):
    kind: EmbedKind
    path: VaultPath | None = None
    """The embedded note (for ``note``)."""
    start: int = 0
    end: int = -1
    """Part range of the embedded fragment (``end`` -1: to the end)."""
    wrap: str = ""
    """``ul``/``ol`` around an embedded list item."""
    width: int | None = None
    height: int | None = None


class LinkView(NamedTuple):
    """What one hole becomes, decided once per note."""

    url: Url | None
    fragment: str = ""
    label: str = ""
    title: str = ""
    css: str = "internal"
    """``internal``, ``unresolved`` (dangling), ``unpublished`` (draft), ``file``, ``outside``."""
    embed: EmbedView | None = None


class NoteView(NamedTuple):
    links: tuple[LinkView, ...]
    tags: tuple[tuple[Url, str], ...]
    """URL and display text of each tag hole."""
    authors: Mapping[int, tuple[tuple[Url, str], ...]]
    """Per card index: URL and name of each author."""


class Embedded(NamedTuple):
    """Another note as seen from an embed: its fragment and its own views (all that
    filling the embed reads of it, so all a page digest needs)."""

    fragment: Fragment
    view: NoteView


class Filler:
    """Fills holes for one page; ``embedded`` holds the notes that page transcludes."""

    def __init__(self, page: Url, embedded: Mapping[VaultPath, Embedded]) -> None:
        self.page = page
        self.embedded = embedded

    def href(self, url: Url, fragment: str = "") -> str:
        return escape(relative_href(self.page, url, fragment))

    def fill(
        self, fragment: Fragment, view: NoteView, start: int = 0, end: int = -1, depth: int = 0
    ) -> str:
        parts = fragment.parts
        stop = len(parts) if end < 0 else end
        out: list[str] = []
        for i in range(start, stop):
            part = parts[i]
            out.append(part if i % 2 == 0 else self.hole(part, view, depth))
        return "".join(out)

    def hole(self, code: str, view: NoteView, depth: int) -> str:
        kind, rest = code[0], code[1:]
        if kind == "M":
            return ""
        if kind == "T":
            url, name = view.tags[int(rest)]
            return f'<a class="tag" href="{self.href(url)}">#{escape(name)}</a>'
        if kind == "A":
            card, j = rest.split(".")
            url, name = view.authors[int(card)][int(j)]
            return f'<a class="author" href="{self.href(url)}">{escape(name)}</a>'
        link = view.links[int(rest)]
        renderer = self._renderers[kind]
        return renderer(self, link, depth)

    def _open(self, link: LinkView, depth: int) -> str:
        title = f' title="{escape(link.title)}"' if link.title else ""
        if link.url is None:
            return f'<span class="{link.css}"{title}>'
        return f'<a class="{link.css}" href="{self.href(link.url, link.fragment)}"{title}>'

    def _close(self, link: LinkView, depth: int) -> str:
        return "</span>" if link.url is None else "</a>"

    def _link(self, link: LinkView, depth: int) -> str:
        return self._open(link, depth) + escape(link.label) + self._close(link, depth)

    def _image(self, link: LinkView, depth: int) -> str:
        if link.url is None or link.css != "file":
            return f'<span class="unresolved" title="missing image">{escape(link.label or link.title)}</span>'
        embed = link.embed or EmbedView("image")
        size = "".join(
            f' {k}="{v}"' for k, v in (("width", embed.width), ("height", embed.height)) if v
        )
        alt = escape(link.label)
        return f'<img src="{self.href(link.url)}" alt="{alt}"{size} loading="lazy">'

    def _embed(self, link: LinkView, depth: int) -> str:
        embed = link.embed
        if embed is None or link.url is None:
            return f'<span class="unresolved embed-missing" title="{escape(link.title)}">{escape(link.label)}</span>'
        src = self.href(link.url)
        label = escape(link.label)
        if embed.kind == "image":
            return self._image(link, depth)
        if embed.kind == "pdf":
            return (
                f'<div class="embed embed-pdf"><object data="{src}" type="application/pdf">'
                f'<a href="{src}">{label}</a></object><a class="embed-open" href="{src}">{label}</a></div>'
            )
        if embed.kind in ("audio", "video"):
            return (
                f'<{embed.kind} class="embed" controls preload="none" src="{src}"></{embed.kind}>'
            )
        if embed.kind == "file":
            return f'<a class="file" href="{src}">{label}</a>'
        if (
            embed.kind == "cycle"
            or depth >= MAX_EMBED_DEPTH
            or embed.path is None
            or embed.path not in self.embedded
        ):
            why = "embed cycle" if embed.kind == "cycle" else "embedded too deeply"
            return f'<a class="internal embed-link" href="{self.href(link.url, link.fragment)}" title="{why}">{label}</a>'
        target = self.embedded[embed.path]
        inner = self.fill(target.fragment, target.view, embed.start, embed.end, depth + 1)
        if embed.wrap:
            inner = f"<{embed.wrap}>{inner}</{embed.wrap}>"
        return (
            f'<div class="embed embed-note"><div class="embed-title">'
            f'<a href="{self.href(link.url, link.fragment)}">{label}</a></div>'
            f'<div class="embed-content">\n{inner}</div></div>\n'
        )

    def _inline_embed(self, link: LinkView, depth: int) -> str:
        """An embed mid-sentence: images inline, notes as links (a block can't sit in a <p>)."""
        if link.embed is not None and link.embed.kind in ("image", "missing"):
            return self._embed(link, depth)
        return self._link(link, depth)

    _renderers: ClassVar[dict[str, Callable[[Filler, LinkView, int], str]]] = {
        "L": _link,
        "O": _open,
        "C": _close,
        "I": _image,
        "E": _embed,
        "e": _inline_embed,
    }


def embed_kind(path: str) -> EmbedKind:
    ext = posixpath.splitext(path)[1].lower().lstrip(".")
    if ext in {"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico"}:
        return "image"
    if ext == "pdf":
        return "pdf"
    if ext in {"mp3", "wav", "ogg", "m4a", "flac"}:
        return "audio"
    if ext in {"mp4", "webm", "mov", "ogv"}:
        return "video"
    return "file"
