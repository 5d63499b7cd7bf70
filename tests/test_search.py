"""Search weights: the indexer's terms and BM25-like weights, checked against the
formula written out plainly (the parse workers run a faster form of it)."""

from __future__ import annotations

from collections import Counter

import pytest

from notesite.search import AVERAGE_LENGTH, pack, terms, unpack, weigh


def reference(title: str, text: str) -> dict[str, int]:
    body = Counter(terms(text))
    length = sum(body.values()) or 1
    norm = 1.2 * (0.25 + 0.75 * length / AVERAGE_LENGTH)
    weights = {t: max(1, round(10 * tf * 2.2 / (tf + norm))) for t, tf in body.items()}
    for t in set(terms(title)):
        weights[t] = weights.get(t, 0) + 40
    return weights


TEXTS = [
    ("LoRA", "LoRA freezes the weights and trains low-rank adapters. LoRA, LoRA, lora!"),
    ("Tülu 3", "Post-training recipe: SFT then DPO then RLVR; Straße über ﬁne-tuning ＡＢＣ"),
    ("", "snake_case words split at underscores; x y z single letters are dropped"),
    ("The and for", "the and for are but not you all"),  # stop words only
    ("Empty body", ""),
    ("Long", " ".join(f"word{i % 37}" for i in range(5000))),
]


@pytest.mark.parametrize(("title", "text"), TEXTS)
def test_weights_follow_the_formula(title: str, text: str) -> None:
    assert dict(unpack(weigh(title, text))) == reference(title, text)


def test_terms_are_what_the_browser_tokeniser_makes() -> None:
    assert terms("Straße ﬁne_tuning Über-Model x 42 the") == [
        "straße", "fine", "tuning", "über", "model", "42",
    ]  # fmt: skip


def test_packed_weights_are_sorted_and_capped_at_a_byte() -> None:
    packed = pack({"zeta": 3, "alpha": 300, "mid": 255})
    assert packed == ("alpha mid zeta", bytes([255, 255, 3]))
    assert list(unpack(packed)) == [("alpha", 255), ("mid", 255), ("zeta", 3)]
    assert pack({}) == ("", b"")
