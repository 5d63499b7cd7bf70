"""Emitters for the pages of one note: the note page and one page per paper card.

A note's pages are a function of its parse result and its graph neighbourhood
(backlinks, outgoing links, related notes, transcluded notes): exactly what
``note_pages`` reads, and all that an incremental rebuild must compare.
"""

from __future__ import annotations

from typing import Any

from .model import Note
from .paths import Url, VaultPath
from .site import Item, Site
from .templates import Body, Page
from .views import card_range

# Frontmatter keys shown elsewhere on the page (title, chips, card block) or internal.
HIDDEN_PROPERTIES = frozenset(
    {
        "title",
        "tags",
        "tag",
        "aliases",
        "alias",
        "authors",
        "paper",
        "talk",
        "date",
        "draft",
        "publish",
        "cssclasses",
    }
)


def _property(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_property(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_property(v)}" for k, v in value.items())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _properties(note: Note) -> tuple[tuple[str, str], ...]:
    items = [("aliases", ", ".join(note.aliases))] if note.aliases else []
    items += [(k, _property(v)) for k, v in note.frontmatter.items() if k not in HIDDEN_PROPERTIES]
    return tuple(items)


def _toc(note: Note, min_headings: int) -> tuple[dict[str, Any], ...]:
    headings = [h for h in note.headings if h.top and not (h.level == 1 and h.text == note.title)]
    if len(headings) < min_headings:
        return ()
    top = min(h.level for h in headings)
    return tuple(
        {"depth": min(h.level - top + 1, 3), "text": h.text, "anchor": h.anchor} for h in headings
    )


def _segments(note: Note) -> tuple[tuple[int, int, int | None], ...]:
    """Split the body at top-level cards, so the template can wrap each card."""
    cards = [(k, c) for k, c in enumerate(note.cards) if not c.from_frontmatter]
    segments: list[tuple[int, int, int | None]] = []
    position = 0
    last_end = -1
    for k, card in cards:
        if card.start < last_end:
            continue  # a card nested in another card stays inside its section
        start, end = card_range(note, card)
        segments.append((position, start, None))
        segments.append((start, end, k))
        position, last_end = end, card.end
    segments.append((position, -1, None))
    return tuple(s for s in segments if s[1] == -1 or s[1] > s[0])


def _folders(note: Note) -> tuple[dict[str, str], ...]:
    parts = note.folder.split("/") if note.folder else []
    return tuple(
        {"name": name, "anchor": folder_anchor("/".join(parts[: i + 1]))}
        for i, name in enumerate(parts)
    )


def backlinks_url(note_url: Url) -> Url:
    """The page listing every note that links to a hub note."""
    return Url(note_url + "_backlinks/")  # note slugs never start with "_": no clash


def folder_anchor(folder: str) -> str:
    return "folder-" + (folder.replace("/", "--").replace(" ", "-").lower() or "root")


def note_panels(site: Site, path: VaultPath) -> dict[str, Any]:
    """What the note page's side panels show: its neighbours' titles and contexts."""
    graph = site.model.graph
    published = site.published
    backlinks, total = site.backlinks(graph.backlinks(path))
    return {
        "path": path,
        "backlinks": backlinks,
        "backlinks_total": total,
        "backlinks_url": backlinks_url(site.note_url(path)),
        "outgoing": tuple(
            Item(site.title(p), site.note_url(p)) for p in graph.outgoing(path) if p in published
        ),
        "related": tuple(
            Item(site.title(p), site.note_url(p)) for p in graph.related(path) if p in published
        ),
    }


def note_pages(site: Site, path: VaultPath, full: bool = True) -> tuple[Page, ...]:
    """The note page and its card pages (sharing one ``Body``, pickled once).

    ``full=False``: the note page alone (a neighbour's title changed, which shows in
    its panels, not on its cards' pages)."""
    model = site.model
    note = model.vault.notes[path]
    graph = model.graph
    view = site.views.notes[path]
    body = Body(
        note.fragment, view, site.views.embedded(model, [path]), _segments(note), note.content_hash
    )
    cards = tuple(site.card_info(note, k) for k in range(len(note.cards)))
    fm_card = next(
        (c for c, card in zip(cards, note.cards, strict=True) if card.from_frontmatter), None
    )
    context = {
        "page_title": note.title,
        "section": "notes",
        "note": {
            "path": path,
            "title": note.title,
            "date": site.dates.get(path, ""),
            "words": note.words,
            "folders": _folders(note),
            "tags": site.tag_chips(tuple(t.name for t in note.tags)),
            "properties": _properties(note),
            "toc": _toc(note, model.config.toc_min_headings),
            "cards": cards,
            "fm_card": fm_card,
        },
    }
    panels = note_panels(site, path)
    pages = [Page(site.note_url(path), "note.html", context, body, panels=panels)]
    if not full:
        return tuple(pages)
    if panels["backlinks_total"] > len(panels["backlinks"]):
        published = site.published
        everyone = sorted({b.source for b in graph.backlinks(path) if b.source in published})
        listing = {
            "page_title": f"Notes linking to {note.title}",
            "section": "notes",
            "title": note.title,
            "url": site.note_url(path),
            "notes": [Item(site.title(p), site.note_url(p)) for p in everyone],
        }
        pages.append(Page(backlinks_url(site.note_url(path)), "backlinks.html", listing))
    for k, card in enumerate(note.cards):
        info = cards[k]
        start, end = card_range(note, card)
        card_body = Body(
            note.fragment, view, body.embedded, ((start, end, None),), note.content_hash
        )
        info = info._replace(same_authors=site.same_authors(path, k))
        card_context = {"page_title": card.title, "section": "papers", "card": info}
        pages.append(Page(info.url, "card.html", card_context, card_body))
    return tuple(pages)
