"""Emitters for the site-wide pages: home, all notes, papers, tags, authors, missing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .pages import folder_anchor
from .paths import HOME, Url, VaultPath, tag_url
from .site import CardInfo, Item, Site, site_counts
from .templates import Body, Page
from .views import missing_anchor

HOME_NOTES = ("index.md", "Home.md", "home.md", "README.md")


def _by_title(item: dict[str, Any]) -> str:
    return str(item["title"]).casefold()


def _published_cards(site: Site) -> list[CardInfo]:
    cards = []
    for path, note in site.model.vault.notes.items():
        if path in site.published:
            cards += [site.card_info(note, k, with_backlinks=False) for k in range(len(note.cards))]
    return sorted(cards, key=lambda c: (c.title.casefold(), c.url))


def papers_page(site: Site, cards: list[CardInfo]) -> Page:
    return Page(
        Url("papers/"),
        "papers.html",
        {"page_title": "Papers", "section": "papers", "papers": cards},
    )


def notes_page(site: Site) -> Page:
    """Every folder (intermediate ones too, so breadcrumbs always land) with its notes."""
    folders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    children: dict[str, set[str]] = defaultdict(set)
    for path, note in site.model.vault.notes.items():
        if path not in site.published:
            continue
        folders[note.folder].append(
            {"title": note.title, "url": site.note_url(path), "cards": len(note.cards)}
        )
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
    return Page(
        Url("notes/"),
        "notes.html",
        {"page_title": "All notes", "section": "notes", "folders": listing, "total": total},
    )


def tag_pages(site: Site) -> list[Page]:
    tags = site.model.graph.tags
    # a parent tag includes the notes of its children (Obsidian's nested-tag search)
    totals: dict[str, set[VaultPath]] = defaultdict(set)
    card_totals: dict[str, set[tuple[VaultPath, int]]] = defaultdict(set)
    for ident, info in tags.items():
        parts = ident.split("/")
        for depth in range(1, len(parts) + 1):
            ancestor = "/".join(parts[:depth])
            totals[ancestor].update(p for p in info.notes if p in site.published)
            card_totals[ancestor].update(c for c in info.cards if c[0] in site.published)
    index = [
        {
            "name": info.name,
            "url": tag_url(ident),
            "count": len(totals[ident]),
            "depth": min(ident.count("/"), 2),
        }
        for ident, info in tags.items()
    ]
    pages = [
        Page(Url("tags/"), "tags.html", {"page_title": "Tags", "section": "tags", "tags": index})
    ]
    for ident, info in tags.items():
        parents = [
            {
                "name": tags["/".join(ident.split("/")[: d + 1])].name,
                "url": tag_url("/".join(ident.split("/")[: d + 1])),
            }
            for d in range(ident.count("/"))
        ]
        notes = sorted(totals[ident], key=lambda p: (site.title(p).casefold(), p))
        cards = sorted(
            (
                Item(
                    site.model.vault.notes[p].cards[k].title,
                    site.model.vault.card_urls[(p, k)],
                    "",
                    site.title(p),
                )
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
        pages.append(
            Page(
                tag_url(ident),
                "tag.html",
                {"page_title": f"#{info.name}", "section": "tags", "tag": tag},
            )
        )
    return pages


def author_pages(site: Site) -> list[Page]:
    authors = site.model.graph.authors
    vault = site.model.vault
    index = []
    pages = []
    for key, info in authors.items():
        cards = [(p, k) for p, k in info.cards if p in site.published]
        if not cards:
            continue
        url = site.views.author_urls[key]
        index.append({"name": info.name, "url": url, "count": len(cards)})
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
                for u, n in sorted(coauthors.items(), key=lambda kv: kv[1].casefold())
            ],
        }
        pages.append(
            Page(
                url,
                "author.html",
                {"page_title": info.name, "section": "authors", "author": author},
            )
        )
    index.sort(key=lambda a: str(a["name"]).casefold())
    pages.insert(
        0,
        Page(
            Url("authors/"),
            "authors.html",
            {"page_title": "Authors", "section": "authors", "authors": index},
        ),
    )
    return pages


def missing_page(site: Site) -> Page:
    missing = []
    for name, referrers in site.model.graph.missing.items():
        refs = [
            {"title": site.title(p), "url": site.note_url(p), "line": line}
            for p, line in sorted(set(referrers))
            if p in site.published
        ]
        if refs:
            missing.append({"name": name, "anchor": missing_anchor(name), "referrers": refs})
    return Page(
        Url("missing/"),
        "missing.html",
        {"page_title": "Notes not written yet", "section": "notes", "missing": missing},
    )


def home_page(site: Site, cards: list[CardInfo]) -> Page:
    vault = site.model.vault
    published = site.published
    dated = [(site.dates[p], p) for p in published if site.dates.get(p)]
    recent = [
        {"title": site.title(p), "url": site.note_url(p), "date": date}
        for date, p in sorted(dated, key=lambda dp: (dp[0], dp[1]), reverse=True)[
            : site.model.config.recent
        ]
    ]
    recent_cards = sorted((c for c in cards if c.date), key=lambda c: (c.date, c.url), reverse=True)
    top_tags = [
        {"name": info.name, "url": tag_url(ident), "count": len(info.notes)}
        for ident, info in sorted(
            site.model.graph.tags.items(), key=lambda kv: (-len(kv[1].notes), kv[1].name.casefold())
        )[:24]
    ]
    context: dict[str, Any] = {
        "page_title": site.model.config.title,
        "counts": site_counts(site),
        "section": "home",
        "recent": recent,
        "recent_papers": [
            Item(c.title, c.url, "", c.note_title) for c in recent_cards[: site.model.config.recent]
        ],
        "top_tags": top_tags,
    }
    home = next((VaultPath(n) for n in HOME_NOTES if n in vault.notes and n in published), None)
    body = None
    if home is not None:
        note = vault.notes[home]
        body = Body(note.fragment, site.views.notes[home], site.views.embedded(site.model, [home]))
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
    cards = _published_cards(site)
    return [
        home_page(site, cards),
        notes_page(site),
        papers_page(site, cards),
        *tag_pages(site),
        *author_pages(site),
        missing_page(site),
        *fixed_pages(),
    ]
