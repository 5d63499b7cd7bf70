"""The pages a site has, named by ``PageRef``: what each ref makes, and which
pages an update no longer makes.

A ref is the unit of work of ``publish`` and of incremental updates: a note (its note
page, card pages and backlinks listing), a note page alone, a tag, an author, or one
of the index pages.
"""

from __future__ import annotations

from collections.abc import Callable

from .indexes import Indexes, fixed_pages
from .pages import backlinks_url, note_pages
from .paths import VaultPath, tag_url
from .site import Site
from .templates import Page

PageRef = tuple[str, str]
"""``("note", path)`` (a note's pages), ``("page", path)`` (its note page alone),
``("tag", ident)``, ``("author", key)`` or ``(index page, "")``."""


def all_refs(site: Site) -> list[PageRef]:
    refs: list[PageRef] = [("note", p) for p in site.model.vault.notes if p in site.published]
    refs += [
        ("home", ""),
        ("notes", ""),
        ("papers", ""),
        ("tags", ""),
        ("authors", ""),
        ("missing", ""),
    ]
    refs += [("tag", ident) for ident in site.model.graph.tags]
    refs += [("author", key) for key in site.model.graph.authors]
    refs += [("fixed", "")]
    return refs


SINGLE_URLS = {
    "home": "",
    "notes": "notes/",
    "papers": "papers/",
    "tags": "tags/",
    "authors": "authors/",
    "missing": "missing/",
}


def possible_urls(site: Site, ref: PageRef) -> set[str]:
    """Every page a ref can make (a superset: the caller keeps those that exist)."""
    kind, name = ref
    vault = site.model.vault
    if kind == "note":
        path = VaultPath(name)
        if path not in vault.notes:
            return set()
        urls: set[str] = {vault.urls[path], backlinks_url(vault.urls[path])}
        return urls | {vault.card_urls[(path, k)] for k in range(len(vault.notes[path].cards))}
    if kind == "page":
        return {vault.urls[VaultPath(name)]} if name in vault.notes else set()
    if kind == "tag":
        return {tag_url(name)}
    if kind == "author":
        url = site.views.author_urls.get(name)
        return {url} if url else set()
    if kind == "fixed":
        return {p.url for p in fixed_pages()}
    return {SINGLE_URLS[kind]}


def emit(site: Site, indexes: Indexes, ref: PageRef) -> tuple[Page, ...]:
    kind, name = ref
    if kind == "note":
        return note_pages(site, VaultPath(name))
    if kind == "page":
        return note_pages(site, VaultPath(name), full=False)
    if kind == "tag":
        return (indexes.tag(name),) if name in indexes.tags else ()
    if kind == "author":
        page = indexes.author(name) if name in indexes.authors else None
        return (page,) if page is not None else ()
    if kind == "fixed":
        return tuple(fixed_pages())
    single: dict[str, Callable[[], Page]] = {
        "home": indexes.home,
        "notes": indexes.notes,
        "papers": indexes.papers,
        "tags": indexes.tag_index,
        "authors": indexes.author_index,
        "missing": indexes.missing,
    }
    return (single[kind](),)


def retired(
    site: Site,
    refs: list[PageRef],
    fresh: set[str],
    digests: dict[str, str],
    complete: bool,
    previous: Site,
) -> tuple[set[str], bool]:
    """Pages the last build made that this pass no longer makes, and whether the
    site's set of URLs changed (the sitemap then follows).

    ``fresh``: the URLs this pass made.
    ``digests``: URL -> fingerprint of every page the last build made.
    ``complete``: ``refs`` is the whole site, so every page not made is gone; else a
    partial pass compares what each re-emitted ref made with what it could make
    before (``previous``: the site before the update, whose views and URLs were
    not updated in place).
    """
    if complete:
        gone = set(digests) - fresh
        return gone, bool(gone) or fresh != set(digests)
    gone = {u for ref in set(refs) for u in possible_urls(previous, ref) if u in digests}
    gone -= fresh  # a URL can pass from one ref to another (a card slug)
    return gone, bool(gone) or any(u not in digests for u in fresh)
