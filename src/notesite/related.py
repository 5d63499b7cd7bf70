"""Related notes: the notes sharing links or specific tags with a note.

A note page lists them, so ``serve`` asks for them again for every page an edit
reaches: for a hub's title change, each of its thousands of linkers.  Those lists
do not depend on titles, so they are kept, and an edit drops only the ones it can
change (see ``Related.forget``).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from .edges import Contribution
from .paths import VaultPath

SHOWN = 8
"""How many related notes a note page lists."""
COMMON_TAG = 100
"""A tag on more notes than this says nothing about how they relate."""


class Neighbourhood(Protocol):
    """What ranking reads of the link graph."""

    def outgoing(self, path: VaultPath) -> list[VaultPath]: ...
    def linkers(self, path: VaultPath) -> Iterable[VaultPath]: ...
    def tags_of(self, path: VaultPath) -> tuple[str, ...]: ...
    def tag_members(self, tag: str) -> dict[VaultPath, str]: ...


def rank(graph: Neighbourhood, path: VaultPath, limit: int = SHOWN) -> list[VaultPath]:
    """Strongest first: a link either way counts 2, a shared tag 1/sqrt(its notes)."""
    scores: dict[VaultPath, float] = defaultdict(float)
    for neighbour in graph.outgoing(path):
        scores[neighbour] += 2
    for source in graph.linkers(path):
        scores[source] += 2
    for tag in graph.tags_of(path):
        sharing = graph.tag_members(tag)
        if len(sharing) > COMMON_TAG:
            continue
        weight = 1 / len(sharing) ** 0.5
        for other in sharing:
            scores[other] += weight
    scores.pop(path, None)
    best = heapq.nsmallest(limit, ((-score, other) for other, score in scores.items()))
    return [other for _, other in best]


class Related:
    """Ranked lists by note, kept until a note they depend on changes."""

    def __init__(self) -> None:
        self._lists: dict[VaultPath, list[VaultPath]] = {}

    def get(self, graph: Neighbourhood, path: VaultPath) -> list[VaultPath]:
        kept = self._lists.get(path)
        if kept is None:
            kept = self._lists[path] = rank(graph, path)
        return list(kept)

    def forget(
        self, graph: Neighbourhood, path: VaultPath, old: Contribution | None, new: Contribution
    ) -> None:
        """Before ``path``'s contribution changes from ``old`` to ``new``: drop its own
        list, those of the notes it links to (or did), and those of every note of a
        tag it joins or leaves (a tag's weight depends on how many notes have it).
        A title change, or any edit that keeps the links and tags, drops one list."""
        if not self._lists:
            return
        stale = {path, *new.backlinks}
        tags = set(new.tags)
        if old is not None:
            stale.update(old.backlinks)
            tags ^= set(old.tags)
        for tag in tags:
            stale.update(graph.tag_members(tag))
        for p in stale:
            self._lists.pop(p, None)

    def clear(self) -> None:
        self._lists.clear()
