"""What one note adds to the link graph: its edges, the backlinks it gives, its
tags, authors and dangling targets.

Kept per note, so that a saved note's contribution can be taken out of the graph
and the new one added without touching the rest (``graph.LinkGraph.add``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Note
from .paths import VaultPath, name_key
from .resolve import Target
from .tags import tag_identity
from .vault import CardKey

LINK_KINDS = frozenset({"link", "embed", "related"})


def note_node(path: str) -> str:
    return f"note:{path}"


def card_node(path: str, k: int) -> str:
    return f"card:{path}#{k}"


class Backlink(NamedTuple):
    source: VaultPath
    card: int | None
    """Card of the *source* note that holds the link."""
    line: int
    link: int
    """Index of the link in the source note (its context is the paragraph around it)."""
    kind: str


class Edge(NamedTuple):
    source: str
    target: str
    kind: str
    line: int
    link: int = -1
    """Index of the link in the source note, for link-like edges."""


@dataclass
class Contribution:
    """Everything one note adds to the graph, so it can be taken back out."""

    edges: list[Edge] = field(default_factory=list)
    backlinks: dict[VaultPath, list[Backlink]] = field(default_factory=dict)
    cards: dict[CardKey, list[Backlink]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    """Tag identity -> spelling used by this note."""
    tag_cards: set[tuple[str, CardKey]] = field(default_factory=set)
    authors: dict[str, str] = field(default_factory=dict)
    """Author key -> spelling used by this note."""
    author_cards: set[tuple[str, CardKey]] = field(default_factory=set)
    missing: list[tuple[str, str, int]] = field(default_factory=list)
    """``(key, name as written, line)`` of each dangling link."""


def contribution(note: Note, targets: tuple[Target, ...]) -> Contribution:
    c = Contribution()
    path = note.path
    for k, card in enumerate(note.cards):
        c.edges.append(Edge(note_node(path), card_node(path, k), "contains", card.line))
        for name in card.authors:
            key = name_key(name)
            c.authors.setdefault(key, name)
            c.author_cards.add((key, (path, k)))
            c.edges.append(Edge(card_node(path, k), "author:" + key, "author", card.line))
        if card.from_frontmatter:
            for name in card.tags:
                _tag(c, name, path, k, 1)
    for tag in note.tags:
        _tag(c, tag.name, path, tag.card, tag.line)
    for index, (link, target) in enumerate(zip(note.links, targets, strict=True)):
        if target.kind in ("asset", "outside", "missing-asset"):
            continue
        source = card_node(path, link.card) if link.card is not None else note_node(path)
        kind = "related" if link.related else ("embed" if link.kind == "embed" else "link")
        if target.kind == "missing":
            key = name_key(target.name)
            c.missing.append((key, target.name, link.line))
            c.edges.append(Edge(source, "missing:" + key, kind, link.line, index))
            continue
        assert target.path is not None
        dest = (
            card_node(target.path, target.card)
            if target.card is not None
            else note_node(target.path)
        )
        c.edges.append(Edge(source, dest, kind, link.line, index))
        if target.path == path:
            continue  # a note's links to itself are navigation, not backlinks
        back = Backlink(path, link.card, link.line, index, kind)
        c.backlinks.setdefault(target.path, []).append(back)
        if target.card is not None:
            c.cards.setdefault((target.path, target.card), []).append(back)
    return c


def _tag(c: Contribution, name: str, path: VaultPath, card: int | None, line: int) -> None:
    ident = tag_identity(name)
    c.tags.setdefault(ident, name)
    c.edges.append(Edge(note_node(path), "tag:" + ident, "tag", line))
    if card is not None:
        c.tag_cards.add((ident, (path, card)))
        c.edges.append(Edge(card_node(path, card), "tag:" + ident, "tag", line))
