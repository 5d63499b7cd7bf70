"""``static/graph.json``: the published notes, papers and missing notes for the graph view."""

from __future__ import annotations

import json
from typing import Any

from .edges import LINK_KINDS
from .site import Site
from .views import missing_anchor


def graph_json(site: Site) -> bytes:
    """Nodes keyed by the URL a click opens; links as pairs of node indices."""
    graph = site.model.graph
    all_nodes = graph.nodes
    vault = site.model.vault
    index: dict[str, int] = {}
    nodes: list[dict[str, str]] = []

    def node_for(name: str) -> int | None:
        if name in index:
            return index[name]
        data: dict[str, Any] = all_nodes[name]
        kind = data["kind"]
        if kind in ("note", "card") and data["path"] not in site.published:
            return None
        if kind == "note":
            item = {
                "id": vault.urls[data["path"]],
                "title": vault.notes[data["path"]].title,
                "kind": "note",
                "path": data["path"],
            }
        elif kind == "card":
            card = vault.notes[data["path"]].cards[data["card"]]
            url = vault.card_urls[(data["path"], data["card"])]
            item = {"id": url, "title": card.title, "kind": "paper", "path": data["path"]}
        elif kind == "missing":
            item = {
                "id": f"missing/#{missing_anchor(data['name'])}",
                "title": data["name"],
                "kind": "missing",
                "path": "",
            }
        else:
            return None
        index[name] = len(nodes)
        nodes.append(item)
        return index[name]

    for name in sorted(all_nodes):
        node_for(name)
    links: set[tuple[int, int]] = set()
    for edge in graph.edges:
        if edge.kind not in LINK_KINDS and edge.kind != "contains":
            continue
        a, b = node_for(edge.source), node_for(edge.target)
        if a is not None and b is not None and a != b:
            links.add((a, b))
    payload = {"nodes": nodes, "links": sorted(links)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
