"""The static full-text search index, sharded so a query downloads little.

``static/search/meta.json`` lists the shards; ``docs-K.json`` hold the result
records (URL, title, kind, subtitle, excerpt) in chunks; ``t-HEX.json`` map each
term to ``[doc, weight, doc, weight, …]`` and are split by the term's first two
characters, so a query fetches one small shard per word typed.  Nothing here runs
on a server, and the JS tokeniser (NFKC, lower case, runs of letters and digits)
matches ``terms`` below exactly.

A document's weights depend on that document alone (a fixed average length
stands in for the corpus average), so editing one note rewrites only the shards
its terms fall in, and an incremental update gives the same bytes as a full one.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .model import Card, Weights
from .paths import Url

CHUNK = 500
AVERAGE_LENGTH = 400
_TERM = re.compile(r"[^\W_]+")
# Words so common in notes that they only make shards bigger.
STOP = frozenset(
    "the and for are but not you all any can had her was one our out has him his how its may new now "
    "own see two who did get let put say she too use that with this from they will have were been "
    "than then them what when where which while into onto over also just like".split()
)


def pack(weights: dict[str, int]) -> Weights:
    """Terms and weights as one string and one byte string (weights cap at 255)."""
    terms = sorted(weights)
    values = [weights[t] for t in terms]
    if values and max(values) > 255:
        values = [min(v, 255) for v in values]
    return " ".join(terms), bytes(values)


def unpack(weights: Weights) -> Iterator[tuple[str, int]]:
    terms, values = weights
    return zip(terms.split(" "), values, strict=True) if terms else iter(())


class SearchDoc(NamedTuple):
    key: str
    """Stable identity (note path, or path#card): a retitled card keeps its id."""
    url: Url
    title: str
    kind: str
    subtitle: str
    excerpt: str
    weights: Weights


def terms(text: str) -> list[str]:
    """Search terms of a text: the tokeniser the browser uses too."""
    return [
        t
        for t in _TERM.findall(unicodedata.normalize("NFKC", text).lower())
        if len(t) >= 2 and t not in STOP
    ]


def weigh(title: str, text: str) -> Weights:
    """BM25-like term weights for one document; title words count much more.

    Runs for every note in the parse workers: words are counted before they are
    filtered (a note has half as many distinct words as words), and each distinct
    term frequency is weighed once."""
    counts = Counter(_TERM.findall(unicodedata.normalize("NFKC", text).lower()))
    body = {t: n for t, n in counts.items() if len(t) >= 2 and t not in STOP}
    length = sum(body.values()) or 1
    norm = 1.2 * (0.25 + 0.75 * length / AVERAGE_LENGTH)
    weight = {tf: max(1, round(10 * tf * 2.2 / (tf + norm))) for tf in set(body.values())}
    weights = {t: weight[tf] for t, tf in body.items()}
    for t in set(terms(title)):
        weights[t] = weights.get(t, 0) + 40
    return pack(weights)


def card_text(card: Card) -> str:
    """What a paper card's search record holds besides its title: authors, paper
    id and tags (also the excerpt its search result shows)."""
    about = ", ".join(card.authors) + (" et al." if card.et_al else "")
    ident = f"{card.paper.source}:{card.paper.id}" if card.paper and card.paper.id else ""
    tags = " ".join("#" + t for t in card.tags)
    return " ".join(x for x in (about, ident, tags) if x)


def weigh_card(card: Card) -> Card:
    """The card with its search weights (computed where the note is parsed)."""
    return card._replace(weights=weigh(card.title, card_text(card)))


def shard_name(term: str) -> str:
    return term[:2].encode("utf-8").hex()


class SearchIndex:
    """Documents by id and postings by shard, updatable one document at a time."""

    def __init__(self, docs: Iterable[SearchDoc]) -> None:
        self.docs = list(docs)
        self.ids = {d.key: i for i, d in enumerate(self.docs)}
        # term -> (doc ids, weights) as typed arrays: 5 bytes a posting, and kept in doc
        # order, so a document is found by bisection when it changes
        self.shards: dict[str, dict[str, tuple[array[int], array[int]]]] = defaultdict(dict)
        postings: dict[str, tuple[array[int], array[int]]] = {}
        for number, doc in enumerate(self.docs):
            for term, weight in unpack(doc.weights):
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = (array("i"), array("B"))
                entry[0].append(number)
                entry[1].append(weight)
        # shards hold their terms in first-seen order, as when built one doc at a time
        for term, entry in postings.items():  # each term once, not once per posting
            self.shards[shard_name(term)][term] = entry

    def _add(self, number: int, doc: SearchDoc) -> set[str]:
        touched = set()
        for term, weight in unpack(doc.weights):
            name = shard_name(term)
            table = self.shards[name]
            if term not in table:
                table[term] = (array("i"), array("B"))
            ids, values = table[term]
            at = bisect.bisect_left(ids, number)
            ids.insert(at, number)
            values.insert(at, weight)
            touched.add(name)
        return touched

    def replace(self, doc: SearchDoc) -> set[str]:
        """Swap in a new version of a document (same key); the changed file names."""
        number = self.ids[doc.key]
        old = self.docs[number]
        if old == doc:
            return set()
        touched = set()
        for term, _ in unpack(old.weights):
            name = shard_name(term)
            table = self.shards[name]
            ids, values = table[term]
            at = bisect.bisect_left(ids, number)
            del ids[at], values[at]
            if not ids:
                del table[term]
            if not table:
                del self.shards[name]
            touched.add(name)
        self.docs[number] = doc
        touched |= self._add(number, doc)
        names = {f"t-{name}.json" for name in touched}
        if old[1:6] != doc[1:6]:  # url, title, kind, subtitle or excerpt: what results show
            names.add(f"docs-{number // CHUNK}.json")
        return names | {"meta.json"}

    def files(self, names: set[str] | None = None) -> dict[str, bytes]:
        """``{file name under static/search/: bytes}`` for all files, or just ``names``."""
        out: dict[str, bytes] = {}
        for name in sorted(self.shards):
            file = f"t-{name}.json"
            if names is None or file in names:
                table = self.shards[name]
                out[file] = _dump({t: _interleave(*table[t]) for t in sorted(table)})
        for k in range(0, len(self.docs), CHUNK):
            file = f"docs-{k // CHUNK}.json"
            if names is None or file in names:
                out[file] = _dump(
                    [
                        [d.url, d.title, d.kind, d.subtitle, d.excerpt]
                        for d in self.docs[k : k + CHUNK]
                    ]
                )
        meta = {
            "version": 1,
            "chunk": CHUNK,
            "docs": len(self.docs),
            "shards": sorted(self.shards),
            "stop": sorted(STOP),  # the browser's tokeniser must drop the same words
        }
        out["meta.json"] = _dump(meta)
        return out


def _interleave(ids: array[int], values: array[int]) -> list[int]:
    flat = [0] * (2 * len(ids))
    flat[0::2], flat[1::2] = ids, values
    return flat


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def excerpt(text: str, limit: int = 180) -> str:
    flat = " ".join(text[: limit * 4].split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit] + "…"
