"""``static/graph.json``: the published notes, papers and missing notes for the graph view."""

from __future__ import annotations

import json

from .edges import LINK_KINDS, card_node, note_node
from .site import Site
from .views import missing_anchor


def graph_json(site: Site) -> bytes:
    """Nodes keyed by the URL a click opens; links as pairs of node indices.

    Nodes are the published notes, their paper cards and the missing notes, in the
    order of their graph node names; tags and authors have pages of their own.
    """
    graph = site.model.graph
    vault = site.model.vault
    items: dict[str, dict[str, str]] = {}
    for path in sorted(site.published):
        note = vault.notes[path]
        items[note_node(path)] = {
            "id": vault.urls[path],
            "title": note.title,
            "kind": "note",
            "path": path,
        }
        for k, card in enumerate(note.cards):
            url = vault.card_urls[(path, k)]
            items[card_node(path, k)] = {
                "id": url,
                "title": card.title,
                "kind": "paper",
                "path": path,
            }
    for key, name in graph.missing_names().items():
        items["missing:" + key] = {
            "id": f"missing/#{missing_anchor(name)}",
            "title": name,
            "kind": "missing",
            "path": "",
        }
    names = sorted(items)
    index = {name: i for i, name in enumerate(names)}
    links: set[tuple[int, int]] = set()
    for edge in graph.note_edges():
        if edge.kind not in LINK_KINDS and edge.kind != "contains":
            continue
        a, b = index.get(edge.source), index.get(edge.target)
        if a is not None and b is not None and a != b:
            links.add((a, b))
    payload = {"nodes": [items[name] for name in names], "links": sorted(links)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
