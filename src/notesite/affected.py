"""Which pages a patched site must check: what index pages show of a note, and the
neighbours, tags, authors and index pages a change of it reaches (see
``incremental.patch``, whose rules the module docstring there lists).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .graph import LinkGraph
from .paths import VaultPath, name_key
from .refs import PageRef
from .related import COMMON_TAG
from .site import PROLIFIC, Site
from .tags import tag_identity


class Face(NamedTuple):
    """What index pages show of a note."""

    title: str
    date: str
    tags: frozenset[str]
    cards: tuple[object, ...]
    dangling: tuple[tuple[str, int], ...]
    links: int


def face(site: Site, path: VaultPath) -> Face:
    note = site.model.vault.notes[path]
    graph = site.model.graph
    cards = tuple((c.title, c.authors, c.et_al, c.tags, c.paper, c.talk) for c in note.cards)
    dangling = tuple(
        (t.name, link.line)
        for link, t in zip(note.links, site.model.resolution.targets[path], strict=True)
        if t.kind == "missing"
    )
    return Face(
        note.title,
        site.dates.get(path, ""),
        frozenset(graph.tags_of(path)),
        cards,
        dangling,
        len(note.links),
    )


def pages_to_check(
    site: Site,
    changed: set[VaultPath],
    before: dict[VaultPath, Face],
    after: dict[VaultPath, Face],
    old_out: dict[VaultPath, set[VaultPath]],
    extra: set[VaultPath],
    panels_only: set[VaultPath],
) -> list[PageRef]:
    graph = site.model.graph
    notes: set[VaultPath] = set(changed) | extra
    panels: set[VaultPath] = set(panels_only)
    """Notes whose own page only may change (it lists a changed note's title)."""
    tags: set[str] = set()
    authors: set[str] = set()
    singles: set[str] = set()
    for path in changed:
        old, new = before[path], after[path]
        notes |= old_out[path] | set(graph.outgoing(path))
        if old.title != new.title or old.tags != new.tags:
            panels |= {b.source for b in graph.backlinks(path)}
            for tag in old.tags | new.tags:
                members = graph.tags.get(tag)
                # a tag's other notes may list it as related (see ``related.rank``)
                if members is not None and len(members.notes) <= COMMON_TAG:
                    panels |= set(members.notes)
        if old.title != new.title or old.tags != new.tags or old.cards != new.cards:
            tags |= {a for t in old.tags | new.tags for a in ancestors(t)}
            for cards in (old.cards, new.cards):
                authors |= {name_key(a) for c in cards for a in c[1]}  # type: ignore[index]
                tags |= {a for c in cards for t in c[3] for a in ancestors(tag_identity(t))}  # type: ignore[index]
            singles |= {"papers", "home", "tags", "authors"}
            writers = [a for cards in (old.cards, new.cards) for c in cards for a in c[1]]  # type: ignore[index]
            notes |= coauthor_notes(graph, writers, max(len(old.cards), len(new.cards)))
        if old.title != new.title or len(old.cards) != len(new.cards):
            singles |= {"notes", "missing"}
        if old.date != new.date or old.links != new.links:
            singles.add("home")
        if old.dangling != new.dangling:
            singles |= {"missing", "home"}
    if any(p in ("index.md", "Home.md", "home.md", "README.md") for p in changed | extra):
        singles.add("home")
    refs: list[PageRef] = [("note", p) for p in sorted(notes) if p in site.published]
    refs += [("page", p) for p in sorted(panels - notes) if p in site.published]
    refs += [(s, "") for s in sorted(singles)]
    refs += [("tag", t) for t in sorted(tags)]
    refs += [("author", a) for a in sorted(authors)]
    return refs


def coauthor_notes(graph: LinkGraph, authors: Iterable[str], slack: int) -> set[VaultPath]:
    """Notes whose card pages list cards by these authors under "same authors".

    ``slack``: cards the change may have added to or taken from an author, so that an
    author it took past ``PROLIFIC`` still reaches the pages that listed them."""
    found: set[VaultPath] = set()
    for key in {name_key(a) for a in authors}:
        info = graph.authors.get(key)
        if info is not None and len(info.cards) <= PROLIFIC + slack:
            found |= {p for p, _ in info.cards}
    return found


def transcluders(graph: object, path: VaultPath) -> set[VaultPath]:
    """Notes that transclude ``path``, directly or through other embeds."""
    found: set[VaultPath] = set()
    stack = [path]
    while stack:
        current = stack.pop()
        for b in graph.backlinks(current):  # type: ignore[attr-defined]
            if b.kind == "embed" and b.source not in found:
                found.add(b.source)
                stack.append(b.source)
    return found


def ancestors(tag: str) -> list[str]:
    parts = tag.split("/")
    return ["/".join(parts[: d + 1]) for d in range(len(parts))]
