"""Graph stage: the vault's link graph, and everything derived from it.

Nodes: ``note:<path>``, ``card:<path>#<k>``, ``tag:<tag>``, ``author:<name>`` and
``missing:<name>``.  Typed edges (``link``, ``embed``, ``related``, ``tag``,
``author``, ``contains``, ``subtag``) carry the source line.

Each note's contribution (its edges, the backlinks it gives, its tags, authors and
dangling targets) is kept apart, so a saved note is removed and re-added without
touching the rest: that is what makes ``serve`` incremental.  Backlinks are
inverted once, as contributions are added (Zola's ``fill_backlinks``, not
Quartz's per-page filter over every file); the networkx ``MultiDiGraph`` is built
from the same edges on first use, because networkx spends ~10 µs per edge and the
site itself only needs the inverted tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import networkx as nx

from .edges import Backlink, Contribution, Edge, contribution, note_node
from .model import Note
from .paths import VaultPath
from .related import Related
from .resolve import Target
from .vault import CardKey


class TagInfo(NamedTuple):
    name: str
    """Display spelling (the one used by the first note in path order)."""
    notes: tuple[VaultPath, ...]
    cards: tuple[CardKey, ...]
    children: tuple[str, ...]
    """Identities of the direct sub-tags."""


class AuthorInfo(NamedTuple):
    name: str
    cards: tuple[CardKey, ...]


class LinkGraph:
    def __init__(self) -> None:
        self._notes: dict[VaultPath, Contribution] = {}
        self._back: dict[VaultPath, dict[VaultPath, list[Backlink]]] = defaultdict(dict)
        self._card_back: dict[CardKey, dict[VaultPath, list[Backlink]]] = defaultdict(dict)
        self._tag_notes: dict[str, dict[VaultPath, str]] = defaultdict(dict)
        self._tag_cards: dict[str, set[CardKey]] = defaultdict(set)
        self._author_cards: dict[str, dict[CardKey, str]] = defaultdict(dict)
        self._missing: dict[str, dict[VaultPath, list[tuple[str, int]]]] = defaultdict(dict)
        self._cache: dict[str, object] = {}
        self._related = Related()

    @classmethod
    def build(
        cls, notes: dict[VaultPath, Note], targets: dict[VaultPath, tuple[Target, ...]]
    ) -> LinkGraph:
        graph = cls()
        for path, note in notes.items():
            graph.add(note, targets[path])
        return graph

    # -- updates ------------------------------------------------------------------

    def add(self, note: Note, targets: tuple[Target, ...]) -> None:
        old = self._notes.get(note.path)
        c = contribution(note, targets)
        self._related.forget(self, note.path, old, c)
        self.remove(note.path, _invalidate(old, c))
        path = note.path
        self._notes[path] = c
        for target, backs in c.backlinks.items():
            self._back[target][path] = backs
        for card_key, backs in c.cards.items():
            self._card_back[card_key][path] = backs
        for ident, spelling in c.tags.items():
            self._tag_notes[ident][path] = spelling
        for ident, card in c.tag_cards:
            self._tag_cards[ident].add(card)
        for key, card in c.author_cards:
            self._author_cards[key][card] = c.authors[key]
        for key, name, line in c.missing:
            self._missing[key].setdefault(path, []).append((name, line))

    def remove(self, path: VaultPath, stale: frozenset[str] | None = None) -> None:
        """Take a note's contribution out; ``stale`` names the derived tables to drop
        (all of them by default: a re-added note passes only those it changes)."""
        for name in list(self._cache) if stale is None else stale:
            self._cache.pop(name, None)
        if stale is None:
            self._related.clear()  # a note gone: the caller understands the vault again
        c = self._notes.pop(path, None)
        if c is None:
            return
        for target in c.backlinks:
            _drop(self._back, target, path)
        for card_key in c.cards:
            _drop(self._card_back, card_key, path)
        for ident in c.tags:
            _drop(self._tag_notes, ident, path)
        for ident, card in c.tag_cards:
            self._tag_cards[ident].discard(card)
            if not self._tag_cards[ident]:
                del self._tag_cards[ident]
        for key, card in c.author_cards:
            _drop(self._author_cards, key, card)
        for key in {m[0] for m in c.missing}:
            _drop(self._missing, key, path)

    # -- queries ------------------------------------------------------------------

    def backlinks(self, path: VaultPath) -> list[Backlink]:
        """Links into a note (or any of its cards) from other notes, by source and line."""
        return _flatten(self._back.get(path))

    def backlink_count(self, path: VaultPath, among: frozenset[VaultPath]) -> int:
        """How many notes of ``among`` link to ``path``."""
        return sum(1 for source in self._back.get(path, ()) if source in among)

    def card_backlinks(self, key: CardKey) -> list[Backlink]:
        return _flatten(self._card_back.get(key))

    def outgoing(self, path: VaultPath) -> list[VaultPath]:
        """Notes this note links to, in order of first link."""
        c = self._notes.get(path)
        return list(c.backlinks) if c else []

    def tags_of(self, path: VaultPath) -> tuple[str, ...]:
        c = self._notes.get(path)
        return tuple(c.tags) if c else ()

    @property
    def tags(self) -> dict[str, TagInfo]:
        cached = self._cache.get("tags")
        if cached is None:
            cached = self._cache["tags"] = self._tag_infos()
        return cached  # type: ignore[return-value]

    @property
    def authors(self) -> dict[str, AuthorInfo]:
        cached = self._cache.get("authors")
        if cached is None:
            cached = self._cache["authors"] = {
                key: AuthorInfo(cards[min(cards)], tuple(sorted(cards)))
                for key, cards in sorted(self._author_cards.items())
            }
        return cached  # type: ignore[return-value]

    @property
    def missing(self) -> dict[str, list[tuple[VaultPath, int]]]:
        """Dangling targets (by the first spelling met) with their referrers."""
        cached = self._cache.get("missing")
        if cached is None:
            out = {}
            for key in sorted(self._missing):
                sources = self._missing[key]
                first = min(sources)
                refs = [(p, line) for p in sorted(sources) for _, line in sources[p]]
                out[sources[first][0][0]] = refs
            cached = self._cache["missing"] = out
        return cached  # type: ignore[return-value]

    @property
    def orphans(self) -> tuple[VaultPath, ...]:
        """Notes with no link in or out."""
        return tuple(
            p for p in sorted(self._notes)
            if not self._notes[p].backlinks and not self._notes[p].missing and p not in self._back
        )  # fmt: skip

    def related(self, path: VaultPath) -> list[VaultPath]:
        """Notes sharing links or specific tags with ``path``, strongest first."""
        return self._related.get(self, path)

    def linkers(self, path: VaultPath) -> Iterable[VaultPath]:
        """The notes that link to ``path`` (unordered)."""
        return self._back.get(path, {}).keys()

    def tag_members(self, tag: str) -> dict[VaultPath, str]:
        """The notes with a tag (identity), and how each spells it."""
        return self._tag_notes.get(tag, {})

    @property
    def edges(self) -> list[Edge]:
        cached = self._cache.get("edges")
        if cached is None:
            cached = self._cache["edges"] = self._edges()
        return cached  # type: ignore[return-value]

    def note_edges(self) -> Iterator[Edge]:
        """The notes' edges (not the tag hierarchy's), by note path, without keeping a list."""
        for path in sorted(self._notes):
            yield from self._notes[path].edges

    def missing_names(self) -> dict[str, str]:
        """Dangling targets: key -> the spelling of the first note (by path) that uses it."""
        return {key: sources[min(sources)][0][0] for key, sources in sorted(self._missing.items())}

    def _edges(self) -> list[Edge]:
        edges = list(self.note_edges())
        for ident, info in self.tags.items():
            edges += [Edge("tag:" + ident, "tag:" + child, "subtag", 0) for child in info.children]
        return edges

    @property
    def nodes(self) -> dict[str, dict[str, object]]:
        cached = self._cache.get("nodes")
        if cached is None:
            cached = self._cache["nodes"] = self._nodes()
        return cached  # type: ignore[return-value]

    def _nodes(self) -> dict[str, dict[str, object]]:
        nodes: dict[str, dict[str, object]] = {}
        for path in sorted(self._notes):
            nodes[note_node(path)] = {"kind": "note", "path": path}
        for path in sorted(self._notes):
            for e in self._notes[path].edges:
                if e.kind == "contains":
                    k = int(e.target.rsplit("#", 1)[1])
                    nodes[e.target] = {"kind": "card", "path": path, "card": k}
        nodes.update(
            ("tag:" + t, {"kind": "tag", "spelling": i.name}) for t, i in self.tags.items()
        )
        nodes.update(
            ("author:" + k, {"kind": "author", "name": a.name}) for k, a in self.authors.items()
        )
        for key, name in self.missing_names().items():
            nodes["missing:" + key] = {"kind": "missing", "name": name}
        return nodes

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The vault as a networkx MultiDiGraph (built on first use, for analyses)."""
        cached = self._cache.get("nx")
        if cached is None:
            g = nx.MultiDiGraph()
            g.add_nodes_from(self.nodes.items())
            g.add_edges_from(
                (e.source, e.target, key, {"kind": e.kind, "line": e.line, "link": e.link})
                for key, e in enumerate(self.edges)
            )
            cached = self._cache["nx"] = g
        return cached

    def _tag_infos(self) -> dict[str, TagInfo]:
        names = {ident: notes[min(notes)] for ident, notes in sorted(self._tag_notes.items())}
        children: dict[str, set[str]] = defaultdict(set)
        for ident in list(names):
            parts, spelled = ident.split("/"), names[ident].split("/")
            for depth in range(1, len(parts)):
                names.setdefault("/".join(parts[:depth]), "/".join(spelled[:depth]))
                children["/".join(parts[:depth])].add("/".join(parts[: depth + 1]))
        return {
            ident: TagInfo(
                names[ident],
                tuple(sorted(self._tag_notes.get(ident, ()))),
                tuple(sorted(self._tag_cards.get(ident, ()))),
                tuple(sorted(children.get(ident, ()))),
            )
            for ident in sorted(names)
        }


def _invalidate(old: Contribution | None, new: Contribution) -> frozenset[str]:
    """Derived tables a re-added note can change (the edge lists always)."""
    stale = {"edges", "nodes", "nx"}
    if old is None or old.tags != new.tags or old.tag_cards != new.tag_cards:
        stale.add("tags")
    if old is None or old.authors != new.authors or old.author_cards != new.author_cards:
        stale.add("authors")
    if old is None or old.missing != new.missing:
        stale.add("missing")
    return frozenset(stale)


def _drop(table: Any, key: object, member: object) -> None:
    inner = table.get(key)
    if inner is not None:
        inner.pop(member, None)
        if not inner:
            del table[key]


def _flatten(by_source: dict[VaultPath, list[Backlink]] | None) -> list[Backlink]:
    if not by_source:
        return []
    return [b for source in sorted(by_source) for b in by_source[source]]
