"""What one note adds to the link graph: its edges, the backlinks it gives, its
tags, authors and dangling targets.

Kept per note, so that a saved note's contribution can be taken out of the graph
and the new one added without touching the rest (``graph.LinkGraph.add``).
"""

from __future__ import annotations

import sys
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


@dataclass(frozen=True, slots=True)
class Contribution:
    """Everything one note adds to the graph, so it can be taken back out.

    A vault holds one per note and ~20 edges per note: node names are shared (one
    string per node, not one per edge) and the pair sets are sorted tuples, which
    halves the graph's memory.
    """

    edges: tuple[Edge, ...] = ()
    backlinks: dict[VaultPath, list[Backlink]] = field(default_factory=dict)
    cards: dict[CardKey, list[Backlink]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    """Tag identity -> spelling used by this note."""
    tag_cards: tuple[tuple[str, CardKey], ...] = ()
    authors: dict[str, str] = field(default_factory=dict)
    """Author key -> spelling used by this note."""
    author_cards: tuple[tuple[str, CardKey], ...] = ()
    missing: tuple[tuple[str, str, int], ...] = ()
    """``(key, name as written, line)`` of each dangling link."""


def contribution(note: Note, targets: tuple[Target, ...]) -> Contribution:
    path = note.path
    me = note_node(path)
    cards = [card_node(path, k) for k in range(len(note.cards))]
    edges: list[Edge] = []
    tags: dict[str, str] = {}
    tag_cards: set[tuple[str, CardKey]] = set()
    authors: dict[str, str] = {}
    author_cards: set[tuple[str, CardKey]] = set()
    missing: list[tuple[str, str, int]] = []
    backlinks: dict[VaultPath, list[Backlink]] = {}
    card_backlinks: dict[CardKey, list[Backlink]] = {}

    def tag(name: str, card: int | None, line: int) -> None:
        ident = tag_identity(name)
        tags.setdefault(ident, name)
        node = sys.intern("tag:" + ident)
        edges.append(Edge(me, node, "tag", line))
        if card is not None:
            tag_cards.add((ident, (path, card)))
            edges.append(Edge(cards[card], node, "tag", line))

    for k, card in enumerate(note.cards):
        edges.append(Edge(me, cards[k], "contains", card.line))
        for name in card.authors:
            key = name_key(name)
            authors.setdefault(key, name)
            author_cards.add((key, (path, k)))
            edges.append(Edge(cards[k], sys.intern("author:" + key), "author", card.line))
        if card.from_frontmatter:
            for name in card.tags:
                tag(name, k, 1)
    for t in note.tags:
        tag(t.name, t.card, t.line)
    for index, (link, target) in enumerate(zip(note.links, targets, strict=True)):
        if target.kind in ("asset", "outside", "missing-asset"):
            continue
        source = cards[link.card] if link.card is not None else me
        kind = "related" if link.related else ("embed" if link.kind == "embed" else "link")
        if target.kind == "missing":
            key = name_key(target.name)
            missing.append((key, target.name, link.line))
            edges.append(Edge(source, sys.intern("missing:" + key), kind, link.line, index))
            continue
        assert target.path is not None
        dest = (
            card_node(target.path, target.card)
            if target.card is not None
            else note_node(target.path)
        )
        edges.append(Edge(source, sys.intern(dest), kind, link.line, index))
        if target.path == path:
            continue  # a note's links to itself are navigation, not backlinks
        back = Backlink(path, link.card, link.line, index, kind)
        backlinks.setdefault(target.path, []).append(back)
        if target.card is not None:
            card_backlinks.setdefault((target.path, target.card), []).append(back)
    return Contribution(
        tuple(edges),
        backlinks,
        card_backlinks,
        tags,
        tuple(sorted(tag_cards)),
        authors,
        tuple(sorted(author_cards)),
        tuple(missing),
    )
