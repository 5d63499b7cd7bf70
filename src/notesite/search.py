"""The static full-text search index, sharded so a query downloads little.

``static/search/meta.json`` lists the shards; ``docs-K.json`` hold the result
records (URL, title, kind, subtitle, excerpt) in chunks; ``t-HEX.json`` map each
term to ``[doc, weight, doc, weight, …]`` and are split by the term's first two
characters, so a query fetches one small shard per word typed.  Nothing here runs
on a server, and the JS tokeniser (NFKC, lower case, runs of letters and digits)
matches ``terms`` below exactly.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .paths import Url

CHUNK = 500
_TERM = re.compile(r"[^\W_]+")
# Words so common in notes that they only make shards bigger.
STOP = frozenset(
    "the and for are but not you all any can had her was one our out has him his how its may new now "
    "own see two who did get let put say she too use that with this from they will have were been "
    "than then them what when where which while into onto over also just like".split()
)


@dataclass(frozen=True, slots=True)
class SearchDoc:
    url: Url
    title: str
    kind: str
    subtitle: str
    excerpt: str
    text: str
    """Body text to index (the title is indexed with more weight)."""


def terms(text: str) -> list[str]:
    """Search terms of a text: the tokeniser the browser uses too."""
    return [
        t
        for t in _TERM.findall(unicodedata.normalize("NFKC", text).lower())
        if len(t) >= 2 and t not in STOP
    ]


def shard_name(term: str) -> str:
    return term[:2].encode("utf-8").hex()


def _weights(doc: SearchDoc, average: float) -> dict[str, int]:
    body = Counter(terms(doc.text))
    length = sum(body.values()) or 1
    norm = 1.2 * (0.25 + 0.75 * length / average)
    weights = {t: max(1, round(10 * tf * 2.2 / (tf + norm))) for t, tf in body.items()}
    for t in set(terms(doc.title)):
        weights[t] = weights.get(t, 0) + 40
    return weights


def build_index(docs: Iterable[SearchDoc]) -> dict[str, bytes]:
    """``{relative path under static/search/: bytes}`` for every index file."""
    docs = list(docs)
    average = sum(len(d.text) for d in docs) / max(len(docs), 1) / 6 or 1.0
    shards: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for number, doc in enumerate(docs):
        for term, weight in _weights(doc, average).items():
            shards[shard_name(term)][term] += (number, weight)
    files: dict[str, bytes] = {}
    for name, table in shards.items():
        ordered = {t: table[t] for t in sorted(table)}
        files[f"t-{name}.json"] = _dump(ordered)
    for k in range(0, len(docs), CHUNK):
        chunk = [[d.url, d.title, d.kind, d.subtitle, d.excerpt] for d in docs[k : k + CHUNK]]
        files[f"docs-{k // CHUNK}.json"] = _dump(chunk)
    meta = {"version": 1, "chunk": CHUNK, "docs": len(docs), "shards": sorted(shards)}
    files["meta.json"] = _dump(meta)
    return files


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def excerpt(text: str, limit: int = 180) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit] + "…"
