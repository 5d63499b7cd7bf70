"""Graph stage: the vault as a networkx MultiDiGraph, and everything derived from it.

Nodes: ``note:<path>``, ``card:<path>#<k>``, ``tag:<tag>``, ``author:<name>`` and
``missing:<name>``.  Typed edges (``link``, ``embed``, ``related``, ``tag``,
``author``, ``contains``, ``subtag``) carry the source line.  Backlinks, notes per
tag and author, orphans and unresolved links are derived in one pass over the
edges, so the whole site costs time linear in the number of links (Zola's
``fill_backlinks``, not Quartz's per-page filter over every file).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from .model import Note
from .paths import VaultPath, name_key
from .resolve import Resolution
from .tags import tag_identity
from .vault import CardKey, Vault

LINK_KINDS = frozenset({"link", "embed", "related"})


def note_node(path: str) -> str:
    return f"note:{path}"


def card_node(path: str, k: int) -> str:
    return f"card:{path}#{k}"


@dataclass(frozen=True, slots=True)
class Backlink:
    source: VaultPath
    card: int | None
    """Card of the *source* note that holds the link."""
    line: int
    context: str
    kind: str


@dataclass(frozen=True, slots=True)
class TagInfo:
    name: str
    """Display spelling (the first one met, in path order)."""
    notes: tuple[VaultPath, ...]
    cards: tuple[CardKey, ...]
    children: tuple[str, ...]
    """Identities of the direct sub-tags."""


@dataclass(frozen=True, slots=True)
class AuthorInfo:
    name: str
    cards: tuple[CardKey, ...]


@dataclass
class LinkGraph:
    graph: nx.MultiDiGraph
    backlinks: dict[VaultPath, list[Backlink]] = field(default_factory=dict)
    card_backlinks: dict[CardKey, list[Backlink]] = field(default_factory=dict)
    outgoing: dict[VaultPath, list[VaultPath]] = field(default_factory=dict)
    tags: dict[str, TagInfo] = field(default_factory=dict)
    authors: dict[str, AuthorInfo] = field(default_factory=dict)
    missing: dict[str, list[tuple[VaultPath, int]]] = field(default_factory=dict)
    orphans: tuple[VaultPath, ...] = ()

    @classmethod
    def build(cls, vault: Vault, resolution: Resolution) -> LinkGraph:
        g = nx.MultiDiGraph()
        for path, note in vault.notes.items():
            g.add_node(note_node(path), kind="note", path=path)
            for k, card in enumerate(note.cards):
                g.add_node(card_node(path, k), kind="card", path=path, card=k)
                g.add_edge(note_node(path), card_node(path, k), kind="contains", line=card.line)
            _add_tags(g, note)
            _add_authors(g, note)
        for path, note in vault.notes.items():
            _add_links(g, note, resolution.targets[path])
        return _derive(g, vault)

    def related(self, path: VaultPath, limit: int = 8) -> list[VaultPath]:
        """Notes sharing tags or links with ``path``, strongest first."""
        scores: dict[VaultPath, float] = defaultdict(float)
        for neighbour in self.outgoing.get(path, ()):
            scores[neighbour] += 2
        for b in self.backlinks.get(path, ()):
            scores[b.source] += 2
        g = self.graph
        for _, tag, data in g.out_edges(note_node(path), data=True):
            if data["kind"] != "tag":
                continue
            sharing = [u for u, _ in g.in_edges(tag) if g.nodes[u]["kind"] == "note"]
            if len(sharing) > 200:  # a tag on everything says nothing about relatedness
                continue
            for u in sharing:
                scores[g.nodes[u]["path"]] += 1 / len(sharing) ** 0.5
        scores.pop(path, None)
        return sorted(scores, key=lambda p: (-scores[p], p))[:limit]


def _add_tags(g: nx.MultiDiGraph, note: Note) -> None:
    for tag in note.tags:
        ident = tag_identity(tag.name)
        parts = ident.split("/")
        for depth in range(1, len(parts) + 1):
            node = "tag:" + "/".join(parts[:depth])
            if node not in g:
                g.add_node(node, kind="tag", spelling="/".join(tag.name.split("/")[:depth]))
            if depth > 1:
                parent = "tag:" + "/".join(parts[: depth - 1])
                if not g.has_edge(parent, node):
                    g.add_edge(parent, node, kind="subtag", line=0)
        source = card_node(note.path, tag.card) if tag.card is not None else note_node(note.path)
        g.add_edge(source, "tag:" + ident, kind="tag", line=tag.line)
        if tag.card is not None:
            g.add_edge(note_node(note.path), "tag:" + ident, kind="tag", line=tag.line)
    for k, card in enumerate(note.cards):
        if card.from_frontmatter:
            for name in card.tags:
                g.add_edge(card_node(note.path, k), "tag:" + tag_identity(name), kind="tag", line=1)


def _add_authors(g: nx.MultiDiGraph, note: Note) -> None:
    for k, card in enumerate(note.cards):
        for name in card.authors:
            node = "author:" + name_key(name)
            if node not in g:
                g.add_node(node, kind="author", name=name)
            g.add_edge(card_node(note.path, k), node, kind="author", line=card.line)


def _add_links(g: nx.MultiDiGraph, note: Note, targets: tuple) -> None:  # type: ignore[type-arg]
    for link, target in zip(note.links, targets, strict=True):
        if target.kind in ("asset", "outside", "missing-asset"):
            continue
        source = card_node(note.path, link.card) if link.card is not None else note_node(note.path)
        if target.kind == "missing":
            dest = "missing:" + name_key(target.name)
            if dest not in g:
                g.add_node(dest, kind="missing", name=target.name)
        elif target.card is not None:
            dest = card_node(target.path, target.card)
        else:
            dest = note_node(target.path)
        kind = "related" if link.related else ("embed" if link.kind == "embed" else "link")
        g.add_edge(source, dest, kind=kind, line=link.line, context=link.context, path=note.path)


def _derive(g: nx.MultiDiGraph, vault: Vault) -> LinkGraph:
    backlinks: dict[VaultPath, list[Backlink]] = defaultdict(list)
    card_backlinks: dict[CardKey, list[Backlink]] = defaultdict(list)
    outgoing: dict[VaultPath, dict[VaultPath, None]] = defaultdict(dict)
    missing: dict[str, list[tuple[VaultPath, int]]] = defaultdict(list)
    linked: set[str] = set()
    nodes = g.nodes
    for u, v, data in g.edges(data=True):
        kind = data["kind"]
        if kind not in LINK_KINDS:
            continue
        src = nodes[u]
        dst = nodes[v]
        source_card = src.get("card")
        if dst["kind"] == "missing":
            missing[dst["name"]].append((data["path"], data["line"]))
            linked.add(src["path"])
            continue
        if src["path"] == dst["path"]:
            continue  # a note's links to itself are navigation, not backlinks
        back = Backlink(data["path"], source_card, data["line"], data["context"], kind)
        backlinks[dst["path"]].append(back)
        if dst["kind"] == "card":
            card_backlinks[(dst["path"], dst["card"])].append(back)
        outgoing[src["path"]][dst["path"]] = None
        linked.update((src["path"], dst["path"]))
    order = lambda b: (b.source, b.line)  # noqa: E731
    return LinkGraph(
        graph=g,
        backlinks={k: sorted(v, key=order) for k, v in backlinks.items()},
        card_backlinks={k: sorted(v, key=order) for k, v in card_backlinks.items()},
        outgoing={k: list(v) for k, v in outgoing.items()},
        tags=_tag_infos(g),
        authors=_author_infos(g),
        missing=dict(sorted(missing.items(), key=lambda kv: name_key(kv[0]))),
        orphans=tuple(p for p in vault.notes if p not in linked),
    )


def _tag_infos(g: nx.MultiDiGraph) -> dict[str, TagInfo]:
    infos: dict[str, TagInfo] = {}
    for node, data in g.nodes(data=True):
        if data["kind"] != "tag":
            continue
        notes: dict[VaultPath, None] = {}
        cards: dict[CardKey, None] = {}
        for u, _, e in g.in_edges(node, data=True):
            if e["kind"] != "tag":
                continue
            src = g.nodes[u]
            if src["kind"] == "card":
                cards[(src["path"], src["card"])] = None
            notes[src["path"]] = None
        children = tuple(
            sorted(v[4:] for _, v, e in g.out_edges(node, data=True) if e["kind"] == "subtag")
        )
        infos[node[4:]] = TagInfo(
            data["spelling"], tuple(sorted(notes)), tuple(sorted(cards)), children
        )
    return dict(sorted(infos.items()))


def _author_infos(g: nx.MultiDiGraph) -> dict[str, AuthorInfo]:
    infos: dict[str, AuthorInfo] = {}
    for node, data in g.nodes(data=True):
        if data["kind"] == "author":
            cards = sorted({(g.nodes[u]["path"], g.nodes[u]["card"]) for u, _ in g.in_edges(node)})
            infos[node[7:]] = AuthorInfo(data["name"], tuple(cards))
    return dict(sorted(infos.items()))
