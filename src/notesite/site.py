"""The site as the page emitters see it: model + views + dates + site-wide values.

Also the small, picklable records templates receive.  Templates get URLs as
site-relative ``Url``s and turn them into hrefs for the page being rendered, so no
context value depends on where the page lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import __version__
from .cards import paper_label
from .config import Config
from .load import Model
from .model import Card, Note, PaperLink
from .paths import Url, VaultPath, base_path_of, name_key, tag_url
from .tags import tag_identity
from .views import Views

BACKLINKS_SHOWN = 60
SAME_AUTHORS_SHOWN = 8
PROLIFIC = 50
"""An author on more cards than this says little about any one of them: their other
cards are not listed as "same authors" (and an edit of one card never has to
re-render hundreds of others)."""


class Item(NamedTuple):
    """A link in a list: title, target URL (+ fragment) and an optional note title."""

    title: str
    url: Url
    fragment: str = ""
    note: str = ""


class Chip(NamedTuple):
    name: str
    url: Url


class Backlink(NamedTuple):
    """One linking note (or card of a note), with the paragraphs around its links."""

    title: str
    url: Url
    fragment: str
    contexts: tuple[str, ...]
    card_title: str = ""


class Paper(NamedTuple):
    url: str
    source: str
    id: str
    label: str

    @classmethod
    def of(cls, link: PaperLink | None) -> Paper | None:
        return None if link is None else cls(link.url, link.source, link.id, paper_label(link))


class CardInfo(NamedTuple):
    title: str
    anchor: str
    url: Url
    note_title: str
    note_url: Url
    fragment: str
    tags: tuple[Chip, ...]
    authors: tuple[Chip, ...]
    et_al: bool
    paper: Paper | None
    talk: str
    date: str
    from_frontmatter: bool
    backlinks: tuple[Backlink, ...] = ()
    backlinks_total: int = 0
    """Linking notes in all (only the first ``BACKLINKS_SHOWN`` are listed)."""
    same_authors: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Site:
    model: Model
    views: Views
    dates: dict[VaultPath, str]
    globals: dict[str, Any] = field(default_factory=dict)

    @property
    def published(self) -> frozenset[VaultPath]:
        return self.views.published

    def note_url(self, path: VaultPath) -> Url:
        return self.model.vault.urls[path]

    def title(self, path: VaultPath) -> str:
        return self.model.vault.notes[path].title

    def tag_chips(self, names: tuple[str, ...]) -> tuple[Chip, ...]:
        seen: dict[str, Chip] = {}
        for name in names:
            ident = tag_identity(name)
            seen.setdefault(ident, Chip(name, tag_url(ident)))
        return tuple(seen.values())

    def author_chips(self, names: tuple[str, ...]) -> tuple[Chip, ...]:
        return tuple(Chip(n, self.views.author_urls[name_key(n)]) for n in names)

    def backlinks(self, items: list[Any] | None) -> tuple[tuple[Backlink, ...], int]:
        """Backlinks from published notes: one entry per linking note or card, with each
        distinct paragraph that holds a link, for the first ``BACKLINKS_SHOWN`` linking
        notes (a hub's page must stay light, and must not change with every edit of
        one of its thousands of linkers); and how many notes link in all."""
        sources = sorted({b.source for b in items or () if b.source in self.published})
        shown = set(sources[:BACKLINKS_SHOWN])
        grouped: dict[tuple[VaultPath, int | None], dict[str, None]] = {}
        for b in items or ():
            if b.source in shown:
                source = self.model.vault.notes[b.source]
                context = source.context(source.links[b.link])
                grouped.setdefault((b.source, b.card), {})[context] = None
        out = []
        for (path, k), contexts in grouped.items():
            source = self.model.vault.notes[path]
            card = source.cards[k] if k is not None else None
            real = card is not None and not card.from_frontmatter
            out.append(
                Backlink(
                    source.title,
                    self.note_url(path),
                    card.anchor if card is not None and real else "",
                    tuple(c for c in contexts if c),
                    card.title if card is not None and real else "",
                )
            )
        return tuple(out), len(sources)

    def card_info(self, note: Note, k: int, with_backlinks: bool = True) -> CardInfo:
        card: Card = note.cards[k]
        graph = self.model.graph
        backlinks: tuple[Backlink, ...] = ()
        total = 0
        if with_backlinks:
            source = (
                graph.backlinks(note.path)
                if card.from_frontmatter
                else graph.card_backlinks((note.path, k))
            )
            backlinks, total = self.backlinks(source)
        return CardInfo(
            title=card.title,
            anchor=card.anchor,
            url=self.model.vault.card_urls[(note.path, k)],
            note_title=note.title,
            note_url=self.note_url(note.path),
            fragment=card.anchor,
            tags=self.tag_chips(card.tags),
            authors=self.author_chips(card.authors),
            et_al=card.et_al,
            paper=Paper.of(card.paper),
            talk=card.talk,
            date=self.dates.get(note.path, ""),
            from_frontmatter=card.from_frontmatter,
            backlinks=backlinks,
            backlinks_total=total,
        )

    def same_authors(self, path: VaultPath, k: int) -> tuple[Item, ...]:
        """Other published cards by this card's authors: most shared authors first."""
        card = self.model.vault.notes[path].cards[k]
        authors = self.model.graph.authors
        shared: dict[tuple[VaultPath, int], int] = {}
        for key in {name_key(a) for a in card.authors}:
            info = authors.get(key)
            if info is None or len(info.cards) > PROLIFIC:
                continue
            for other in info.cards:
                if other != (path, k) and other[0] in self.published:
                    shared[other] = shared.get(other, 0) + 1
        notes = self.model.vault.notes
        best = sorted(shared, key=lambda o: (-shared[o], notes[o[0]].cards[o[1]].title, o))
        return tuple(
            Item(
                notes[p].cards[j].title,
                self.model.vault.card_urls[(p, j)],
                "",
                notes[p].title,
            )
            for p, j in best[:SAME_AUTHORS_SHOWN]
        )


def site_globals(config: Config, extra_css: tuple[str, ...]) -> dict[str, Any]:
    """Values every page shows: a change here re-renders the whole site, so nothing
    that depends on the notes belongs here (counts live on the home page)."""
    base = config.base_url.rstrip("/")
    canonical = base + "/" if base.startswith(("http://", "https://")) else ""
    return {
        "title": config.title,
        "description": config.description,
        "author": config.author,
        "language": config.language,
        "version": __version__,
        "base_path": base_path_of(config.base_url),
        "canonical": canonical,
        "extra_css": extra_css,
    }


def site_counts(site: Site) -> dict[str, int]:
    notes = [n for p, n in site.model.vault.notes.items() if p in site.published]
    return {
        "notes": len(notes),
        "cards": sum(len(n.cards) for n in notes),
        "links": sum(len(n.links) for n in notes),
        "tags": len(site.model.graph.tags),
        "authors": len(site.model.graph.authors),
        "missing": len(site.model.graph.missing),
    }
