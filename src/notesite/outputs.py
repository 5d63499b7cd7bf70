"""Everything the site consists of: pages, theme, search index, graph, feeds, files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .feeds import atom, sitemap
from .gitdates import commit_dates
from .graphview import graph_json
from .paths import VaultPath
from .search import SearchDoc, SearchIndex, card_text, excerpt
from .site import Site, site_globals
from .theme import extra_css, theme_files
from .views import build_views


def make_site(
    model: Any, search_path: tuple[str, ...], git: dict[VaultPath, str] | None = None
) -> Site:
    """Views and dates for a model; ``git`` holds last-commit dates (read if None)."""
    views = build_views(model)
    git = commit_dates(model.root) if git is None else git
    dates = {path: note.date or git.get(path, "") for path, note in model.vault.notes.items()}
    return Site(model, views, dates, site_globals(model.config, extra_css(search_path)))


def search_docs(site: Site, paths: Iterable[VaultPath] | None = None) -> list[SearchDoc]:
    """Search records of published notes (all, or those of ``paths``) and their cards."""
    docs = []
    vault = site.model.vault
    for path in vault.notes if paths is None else paths:
        if path not in site.published:
            continue
        note = vault.notes[path]
        docs.append(
            SearchDoc(
                path,
                site.note_url(path),
                note.title,
                "note",
                note.folder,
                excerpt(note.text),
                note.weights,
            )
        )
        for k, card in enumerate(note.cards):
            docs.append(
                SearchDoc(
                    f"{path}#{k}",
                    vault.card_urls[(path, k)],
                    card.title,
                    "paper",
                    note.title,
                    card_text(card),
                    card.weights,
                )
            )
    return docs


def extra_files(
    site: Site, search_path: tuple[str, ...], page_urls: list[str], search: SearchIndex
) -> dict[str, bytes]:
    config = site.model.config
    files = {f"static/{name}": data for name, data in theme_files(search_path).items()}
    files |= {f"static/search/{name}": data for name, data in search.files().items()}
    files["static/graph.json"] = graph_json(site)
    files["sitemap.xml"] = sitemap(site, [u for u in page_urls if not u.endswith("404.html")])
    files["feed.xml"] = atom(site)
    files[".nojekyll"] = b""
    if config.cname:
        files["CNAME"] = (config.cname.strip() + "\n").encode()
    return files


def attachments(site: Site, paths: Iterable[VaultPath] | None = None) -> dict[str, Path]:
    """Attachments referenced by published notes (all, or ``paths``), with their vault paths."""
    wanted: set[str] = set()
    for path in site.published if paths is None else site.published.intersection(paths):
        for link in site.views.notes[path].links:
            if link.css == "file" and link.url is not None:
                wanted.add(link.url)
    return {url: site.model.root / url.removeprefix("files/") for url in sorted(wanted)}


def changed_extras(
    site: Site,
    search: SearchIndex,
    touched: set[VaultPath],
    graph: bool,
    pages: list[str] | None,
) -> tuple[dict[str, bytes] | None, list[str]]:
    """The search shards, feed, graph data and sitemap after ``touched`` notes
    changed in place, and the shards that are gone; ``None`` when documents came or
    went (a full index is needed).  ``search`` is updated in place.

    ``graph``: the graph data may have changed; ``pages``: every page URL, when the
    set of URLs changed (the sitemap lists them).
    """
    docs = search_docs(site, sorted(touched))
    notes = site.model.vault.notes
    size = sum(1 + len(notes[p].cards) for p in site.published)
    if not all(d.key in search.ids for d in docs) or len(search.docs) != size:
        return None, []
    names: set[str] = set()
    for doc in docs:
        names |= search.replace(doc)
    shards = search.files(names)
    files = {f"static/search/{name}": data for name, data in shards.items()}
    files["feed.xml"] = atom(site)
    if graph:
        files["static/graph.json"] = graph_json(site)
    if pages is not None:
        files["sitemap.xml"] = sitemap(site, [u for u in pages if not u.endswith("404.html")])
    return files, [f"static/search/{n}" for n in names - set(shards)]
