"""Emitters for the site-wide pages: home, all notes, papers, tags, authors, missing.

Each page has its own emitter, so an incremental rebuild can re-emit just the
tag or author pages a change touches.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any

from .pages import folder_anchor
from .paths import HOME, Url, VaultPath, tag_url
from .site import CardInfo, Item, Site, site_counts
from .templates import Body, Page
from .vault import CardKey
from .views import missing_anchor

HOME_NOTES = ("index.md", "Home.md", "home.md", "README.md")


def _by_title(item: dict[str, Any]) -> str:
    return str(item["title"]).casefold()


class Indexes:
    """The index pages of one site state (tables shared by several pages are cached)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.tags = site.model.graph.tags
        self.authors = site.model.graph.authors

    @cached_property
    def cards(self) -> list[CardInfo]:
        site = self.site
        cards = [
            site.card_info(note, k, with_backlinks=False)
            for path, note in site.model.vault.notes.items()
            if path in site.published
            for k in range(len(note.cards))
        ]
        return sorted(cards, key=lambda c: (c.title.casefold(), c.url))

    @cached_property
    def tag_totals(self) -> tuple[dict[str, set[VaultPath]], dict[str, set[CardKey]]]:
        """A parent tag includes its children's notes (Obsidian's nested-tag search)."""
        notes: dict[str, set[VaultPath]] = defaultdict(set)
        cards: dict[str, set[CardKey]] = defaultdict(set)
        published = self.site.published
        for ident, info in self.tags.items():
            parts = ident.split("/")
            for depth in range(1, len(parts) + 1):
                ancestor = "/".join(parts[:depth])
                notes[ancestor].update(p for p in info.notes if p in published)
                cards[ancestor].update(c for c in info.cards if c[0] in published)
        return notes, cards

    def all(self) -> list[Page]:
        return [
            self.home(),
            self.notes(),
            self.papers(),
            self.tag_index(),
            *(self.tag(ident) for ident in self.tags),
            self.author_index(),
            *(page for key in self.authors if (page := self.author(key)) is not None),
            self.missing(),
            *fixed_pages(),
        ]

    def papers(self) -> Page:
        context = {"page_title": "Papers", "section": "papers", "papers": self.cards}
        return Page(Url("papers/"), "papers.html", context)

    def notes(self) -> Page:
        """Every folder (intermediate ones too, so breadcrumbs always land) with its notes."""
        site = self.site
        folders: dict[str, list[dict[str, Any]]] = defaultdict(list)
        children: dict[str, set[str]] = defaultdict(set)
        for path, note in site.model.vault.notes.items():
            if path not in site.published:
                continue
            item = {"title": note.title, "url": site.note_url(path), "cards": len(note.cards)}
            folders[note.folder].append(item)
            parts = note.folder.split("/") if note.folder else []
            for depth in range(len(parts)):
                parent, child = "/".join(parts[:depth]), "/".join(parts[: depth + 1])
                children[parent].add(child)
                folders.setdefault(child, [])
        listing: list[dict[str, Any]] = [
            {
                "name": folder or "Top level",
                "anchor": folder_anchor(folder),
                "notes": sorted(items, key=_by_title),
                "folders": [
                    {"name": c.rsplit("/", 1)[-1], "anchor": folder_anchor(c)}
                    for c in sorted(children[folder])
                ],
            }
            for folder, items in sorted(folders.items())
        ]
        total = sum(len(f["notes"]) for f in listing)
        context = {
            "page_title": "All notes",
            "section": "notes",
            "folders": listing,
            "total": total,
        }
        return Page(Url("notes/"), "notes.html", context)

    def tag_index(self) -> Page:
        totals = self.tag_totals[0]
        index = [
            {
                "name": info.name,
                "url": tag_url(ident),
                "count": len(totals[ident]),
                "depth": min(ident.count("/"), 2),
            }
            for ident, info in self.tags.items()
        ]
        return Page(
            Url("tags/"), "tags.html", {"page_title": "Tags", "section": "tags", "tags": index}
        )

    def tag(self, ident: str) -> Page:
        site, tags = self.site, self.tags
        info = tags[ident]
        totals, card_totals = self.tag_totals
        parts = ident.split("/")
        parents = [
            {"name": tags["/".join(parts[: d + 1])].name, "url": tag_url("/".join(parts[: d + 1]))}
            for d in range(len(parts) - 1)
        ]
        notes = sorted(totals[ident], key=lambda p: (site.title(p).casefold(), p))
        vault = site.model.vault
        cards = sorted(
            (
                Item(vault.notes[p].cards[k].title, vault.card_urls[(p, k)], "", site.title(p))
                for p, k in card_totals[ident]
            ),
            key=lambda item: (item.title.casefold(), item.url),
        )
        tag = {
            "name": info.name,
            "count": len(notes),
            "parents": parents,
            "children": [
                {"name": tags[c].name, "url": tag_url(c), "count": len(totals[c])}
                for c in info.children
            ],
            "notes": [Item(site.title(p), site.note_url(p)) for p in notes],
            "cards": cards,
        }
        return Page(
            tag_url(ident),
            "tag.html",
            {"page_title": f"#{info.name}", "section": "tags", "tag": tag},
        )

    def author_index(self) -> Page:
        index = []
        for key, info in self.authors.items():
            count = sum(1 for p, _ in info.cards if p in self.site.published)
            if count:
                index.append(
                    {"name": info.name, "url": self.site.views.author_urls[key], "count": count}
                )
        index.sort(key=lambda a: (str(a["name"]).casefold(), str(a["url"])))
        context = {"page_title": "Authors", "section": "authors", "authors": index}
        return Page(Url("authors/"), "authors.html", context)

    def author(self, key: str) -> Page | None:
        site = self.site
        vault = site.model.vault
        info = self.authors[key]
        cards = [(p, k) for p, k in info.cards if p in site.published]
        if not cards:
            return None
        url = site.views.author_urls[key]
        coauthors: dict[str, str] = {}
        for p, k in cards:
            for name in vault.notes[p].cards[k].authors:
                other = site.author_chips((name,))[0]
                if other.url != url:
                    coauthors.setdefault(other.url, other.name)
        author = {
            "name": info.name,
            "cards": [
                Item(vault.notes[p].cards[k].title, vault.card_urls[(p, k)], "", site.title(p))
                for p, k in cards
            ],
            "coauthors": [
                {"name": n, "url": u}
                for u, n in sorted(coauthors.items(), key=lambda kv: (kv[1].casefold(), kv[0]))
            ],
        }
        return Page(
            url, "author.html", {"page_title": info.name, "section": "authors", "author": author}
        )

    def missing(self) -> Page:
        site = self.site
        missing = []
        for name, referrers in site.model.graph.missing.items():
            refs = [
                {"title": site.title(p), "url": site.note_url(p), "line": line}
                for p, line in sorted(set(referrers))
                if p in site.published
            ]
            if refs:
                missing.append({"name": name, "anchor": missing_anchor(name), "referrers": refs})
        context = {"page_title": "Notes not written yet", "section": "notes", "missing": missing}
        return Page(Url("missing/"), "missing.html", context)

    def home(self) -> Page:
        site = self.site
        config = site.model.config
        dated = sorted(
            ((site.dates[p], p) for p in site.published if site.dates.get(p)), reverse=True
        )
        recent = [
            {"title": site.title(p), "url": site.note_url(p), "date": date}
            for date, p in dated[: config.recent]
        ]
        recent_cards = [
            Item(note.cards[k].title, site.model.vault.card_urls[(p, k)], "", note.title)
            for _, p in dated
            for note in (site.model.vault.notes[p],)
            for k in range(len(note.cards))
        ][: config.recent]
        top_tags = [
            {"name": info.name, "url": tag_url(ident), "count": len(info.notes)}
            for ident, info in sorted(
                self.tags.items(), key=lambda kv: (-len(kv[1].notes), kv[1].name.casefold())
            )[:24]
        ]
        context: dict[str, Any] = {
            "page_title": config.title,
            "section": "home",
            "counts": site_counts(site),
            "recent": recent,
            "recent_papers": recent_cards,
            "top_tags": top_tags,
        }
        vault = site.model.vault
        home = next(
            (VaultPath(n) for n in HOME_NOTES if n in vault.notes and n in site.published), None
        )
        body = None
        if home is not None:
            note = vault.notes[home]
            body = Body(
                note.fragment,
                site.views.notes[home],
                site.views.embedded(site.model, [home]),
                key=note.content_hash,
            )
        return Page(HOME, "home.html", context, body)


def fixed_pages() -> list[Page]:
    return [
        Page(Url("graph/"), "graph.html", {"page_title": "Graph", "section": "graph"}),
        Page(Url("search/"), "search.html", {"page_title": "Search", "section": ""}),
        Page(
            Url("404.html"), "404.html", {"page_title": "Not found", "section": ""}, absolute=True
        ),
    ]


def index_pages(site: Site) -> list[Page]:
    return Indexes(site).all()
