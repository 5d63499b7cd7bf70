"""Graph stage: the vault as a networkx MultiDiGraph, and everything derived from it.

Nodes: ``note:<path>``, ``card:<path>#<k>``, ``tag:<tag>``, ``author:<name>`` and
``missing:<name>``.  Typed edges (``link``, ``embed``, ``related``, ``tag``,
``author``, ``contains``, ``subtag``) carry the source line.  Backlinks, notes per
tag and author, orphans and unresolved links are derived in one pass over the
edges as they are added, so the whole site costs time linear in the number of
links (Zola's ``fill_backlinks``, not Quartz's per-page filter over every file).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx

from .model import LinkRef, Note
from .paths import VaultPath, name_key
from .resolve import Resolution, Target
from .tags import tag_identity
from .vault import CardKey, Vault

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


class TagInfo(NamedTuple):
    name: str
    """Display spelling (the first one met, in path order)."""
    notes: tuple[VaultPath, ...]
    cards: tuple[CardKey, ...]
    children: tuple[str, ...]
    """Identities of the direct sub-tags."""


class AuthorInfo(NamedTuple):
    name: str
    cards: tuple[CardKey, ...]


class Edge(NamedTuple):
    source: str
    target: str
    kind: str
    line: int
    link: int = -1
    """Index of the link in the source note, for link-like edges."""


@dataclass
class LinkGraph:
    nodes: dict[str, dict[str, object]]
    edges: list[Edge]
    backlinks: dict[VaultPath, list[Backlink]] = field(default_factory=dict)
    card_backlinks: dict[CardKey, list[Backlink]] = field(default_factory=dict)
    outgoing: dict[VaultPath, list[VaultPath]] = field(default_factory=dict)
    tags: dict[str, TagInfo] = field(default_factory=dict)
    authors: dict[str, AuthorInfo] = field(default_factory=dict)
    missing: dict[str, list[tuple[VaultPath, int]]] = field(default_factory=dict)
    orphans: tuple[VaultPath, ...] = ()
    note_tags: dict[VaultPath, tuple[str, ...]] = field(default_factory=dict)
    _graph: nx.MultiDiGraph | None = field(default=None, repr=False, compare=False)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The vault as a networkx MultiDiGraph, for analyses (built on first use).

        networkx spends ~10 µs per edge building it, a second or more on a big
        vault, so the tables the site needs are derived while collecting the edges
        and the MultiDiGraph is only materialised when someone asks for it.
        """
        if self._graph is None:
            g = nx.MultiDiGraph()
            g.add_nodes_from(self.nodes.items())
            g.add_edges_from(
                (e.source, e.target, key, {"kind": e.kind, "line": e.line, "link": e.link})
                for key, e in enumerate(self.edges)
            )
            self._graph = g
        return self._graph

    @classmethod
    def build(cls, vault: Vault, resolution: Resolution) -> LinkGraph:
        builder = _Builder()
        for path, note in vault.notes.items():
            builder.note(note, resolution.targets[path])
        return builder.finish(vault)

    def related(self, path: VaultPath, limit: int = 8) -> list[VaultPath]:
        """Notes sharing tags or links with ``path``, strongest first."""
        scores: dict[VaultPath, float] = defaultdict(float)
        for neighbour in self.outgoing.get(path, ()):
            scores[neighbour] += 2
        for b in self.backlinks.get(path, ()):
            scores[b.source] += 2
        for tag in self.note_tags.get(path, ()):
            sharing = self.tags[tag].notes
            if len(sharing) > 200:  # a tag on everything says nothing about relatedness
                continue
            for other in sharing:
                scores[other] += 1 / len(sharing) ** 0.5
        scores.pop(path, None)
        best = heapq.nsmallest(limit, ((-score, other) for other, score in scores.items()))
        return [other for _, other in best]


class _Builder:
    """One pass over every note's links: graph edges and derived tables together."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, object]] = {}
        self.edges: list[Edge] = []
        self.backlinks: dict[VaultPath, list[Backlink]] = defaultdict(list)
        self.card_backlinks: dict[CardKey, list[Backlink]] = defaultdict(list)
        self.outgoing: dict[VaultPath, dict[VaultPath, None]] = defaultdict(dict)
        self.missing: dict[str, list[tuple[VaultPath, int]]] = defaultdict(list)
        self.missing_names: dict[str, str] = {}
        self.tag_notes: dict[str, dict[VaultPath, None]] = defaultdict(dict)
        self.tag_cards: dict[str, dict[CardKey, None]] = defaultdict(dict)
        self.tag_names: dict[str, str] = {}
        self.children: dict[str, set[str]] = defaultdict(set)
        self.author_cards: dict[str, list[CardKey]] = defaultdict(list)
        self.author_names: dict[str, str] = {}
        self.linked: set[VaultPath] = set()
        self.note_tags: dict[VaultPath, dict[str, None]] = defaultdict(dict)

    def note(self, note: Note, targets: tuple[Target, ...]) -> None:
        path = note.path
        self.nodes[note_node(path)] = {"kind": "note", "path": path}
        for k, card in enumerate(note.cards):
            self.nodes[card_node(path, k)] = {"kind": "card", "path": path, "card": k}
            self.edges.append(Edge(note_node(path), card_node(path, k), "contains", card.line))
            for name in card.authors:
                key = name_key(name)
                self.author_names.setdefault(key, name)
                self.author_cards[key].append((path, k))
                self.edges.append(Edge(card_node(path, k), "author:" + key, "author", card.line))
            if card.from_frontmatter:
                for name in card.tags:
                    self.tag(name, path, k, 1)
        for tag in note.tags:
            self.tag(tag.name, path, tag.card, tag.line)
        for index, (link, target) in enumerate(zip(note.links, targets, strict=True)):
            self.link(note, index, link, target)

    def tag(self, name: str, path: VaultPath, card: int | None, line: int) -> None:
        ident = tag_identity(name)
        if ident not in self.tag_names:
            parts, spelled = ident.split("/"), name.split("/")
            for depth in range(1, len(parts) + 1):
                prefix = "/".join(parts[:depth])
                self.tag_names.setdefault(prefix, "/".join(spelled[:depth]))
                if depth > 1:
                    self.children["/".join(parts[: depth - 1])].add(prefix)
        self.tag_notes[ident][path] = None
        self.note_tags[path][ident] = None
        self.edges.append(Edge(note_node(path), "tag:" + ident, "tag", line))
        if card is not None:
            self.tag_cards[ident][(path, card)] = None
            self.edges.append(Edge(card_node(path, card), "tag:" + ident, "tag", line))

    def link(self, note: Note, index: int, link: LinkRef, target: Target) -> None:
        if target.kind in ("asset", "outside", "missing-asset"):
            return
        path = note.path
        source = card_node(path, link.card) if link.card is not None else note_node(path)
        kind = "related" if link.related else ("embed" if link.kind == "embed" else "link")
        self.linked.add(path)
        if target.kind == "missing":
            key = name_key(target.name)
            self.missing_names.setdefault(key, target.name)
            self.missing[key].append((path, link.line))
            self.edges.append(Edge(source, "missing:" + key, kind, link.line, index))
            return
        assert target.path is not None
        dest = (
            card_node(target.path, target.card)
            if target.card is not None
            else note_node(target.path)
        )
        self.edges.append(Edge(source, dest, kind, link.line, index))
        if target.path == path:
            return  # a note's links to itself are navigation, not backlinks
        back = Backlink(path, link.card, link.line, index, kind)
        self.backlinks[target.path].append(back)
        if target.card is not None:
            self.card_backlinks[(target.path, target.card)].append(back)
        self.outgoing[path][target.path] = None
        self.linked.add(target.path)

    def finish(self, vault: Vault) -> LinkGraph:
        nodes = self.nodes
        nodes.update(
            ("tag:" + t, {"kind": "tag", "spelling": n}) for t, n in self.tag_names.items()
        )
        nodes.update(
            ("author:" + k, {"kind": "author", "name": n}) for k, n in self.author_names.items()
        )
        nodes.update(
            ("missing:" + k, {"kind": "missing", "name": n}) for k, n in self.missing_names.items()
        )
        self.edges += [
            Edge("tag:" + parent, "tag:" + child, "subtag", 0)
            for parent, kids in sorted(self.children.items())
            for child in sorted(kids)
        ]
        tags = {
            ident: TagInfo(
                name,
                tuple(sorted(self.tag_notes.get(ident, ()))),
                tuple(sorted(self.tag_cards.get(ident, ()))),
                tuple(sorted(self.children.get(ident, ()))),
            )
            for ident, name in sorted(self.tag_names.items())
        }
        authors = {
            key: AuthorInfo(self.author_names[key], tuple(sorted(set(cards))))
            for key, cards in sorted(self.author_cards.items())
        }
        missing = {self.missing_names[key]: refs for key, refs in sorted(self.missing.items())}
        return LinkGraph(
            nodes=nodes,
            edges=self.edges,
            backlinks=dict(self.backlinks),
            card_backlinks=dict(self.card_backlinks),
            outgoing={k: list(v) for k, v in self.outgoing.items()},
            tags=tags,
            authors=authors,
            missing=missing,
            orphans=tuple(p for p in vault.notes if p not in self.linked),
            note_tags={p: tuple(t) for p, t in self.note_tags.items()},
        )
