"""Paper cards, on the exact shapes the user writes (with our own text)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from notesite.cards import paper_link, split_authors

from .conftest import SEEDS, needs_seeds, note_from

# Three cards in one file, shaped like the user's multi-card notes: an empty
# Related, a heading block id without a space, an "et.al." author list, an empty
# "Paper link:", a Related list on the lines after "Related:", and sections.
THREE_CARDS = (Path(__file__).parent / "fixtures" / "three-cards.md").read_text(encoding="utf-8")


def test_three_cards_in_one_file() -> None:
    note = note_from(THREE_CARDS)
    assert [c.title for c in note.cards] == [
        "A short survey of instruction tuning",
        "Induction Heads Explained with Toy Models",
        "DEEP NETS MEMORISE RANDOM LABELS",
    ]
    first, second, third = note.cards
    assert first.tags == ("LLM", "finetune")
    assert first.authors == ("Ada Lovelace",) and not first.et_al
    assert first.paper is not None and first.paper.source == "web"
    assert first.talk == "" and first.related == ()
    assert [s[0] for s in first.sections] == ["Why interesting", "Ideas/conclusions"]

    assert second.block_id == "induction-toy"
    assert second.paper is None and second.talk == "https://youtu.be/abcdefghijk"
    assert [s[0] for s in second.sections] == ["Why interesting", "Ideas/conclusions", "References"]

    assert third.block_id == "memorise"
    assert third.authors == ("Alan Turing",) and third.et_al
    assert third.paper is not None and (third.paper.source, third.paper.id) == (
        "arxiv",
        "1611.03530",
    )
    assert third.tags == ("DL-foundations", "generalization", "SGD")
    related = [note.links[k].path for k in third.related]
    assert related == ["Gradient descent"]
    # the link in the body is not a "related" link, but belongs to the card
    body = [link for link in note.links if not link.related]
    assert [(link.path, link.card) for link in body] == [("October", 2)]


def test_card_sections_and_ranges_are_disjoint() -> None:
    note = note_from(THREE_CARDS)
    ends = [(c.start, c.end) for c in note.cards]
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(ends))
    anchors = [h.anchor for h in note.headings]
    assert len(anchors) == len(set(anchors)), "heading anchors are unique within a note"


def test_card_meta_renders_fields_and_hides_empty_ones() -> None:
    html = "".join(note_from(THREE_CARDS).fragment.parts[::2])
    assert html.count('class="card-meta"') == 3
    assert "Talk link" not in html and "Paper link" not in html
    assert ">arXiv:1611.03530</a>" in html


@pytest.mark.parametrize(
    ("fields", "is_card"),
    [
        ("Tags: #a\nAuthors: X", True),
        ("tags: #a", True),  # field names are case-insensitive
        ("PAPER LINK: https://arxiv.org/abs/2305.18290", True),
        ("Authors: X\nsecond line continues authors", True),
        ("Just a paragraph.\nTags: #a", False),
        ("Related:", True),
    ],
)
def test_field_paragraph_right_after_heading(fields: str, is_card: bool) -> None:
    note = note_from(f"## Title\n{fields}\n\nbody\n")
    assert bool(note.cards) is is_card


def test_fields_later_in_a_section_need_two_field_lines() -> None:
    assert note_from("## Title\n\nintro\n\nTags: #a\n").cards == ()
    assert len(note_from("## Title\n\nintro\n\nTags: #a\nAuthors: Y\n").cards) == 1


def test_nested_card_headings_end_at_same_or_higher_level() -> None:
    note = note_from(
        "# Topic\n## Card A\nTags: #a\n### Sub\ntext\n## Card B\nTags: #b\n# Other\nnot in a card\n"
    )
    assert [c.title for c in note.cards] == ["Card A", "Card B"]
    assert note.cards[0].sections == (("Sub", "sub"),)
    other = next(h for h in note.headings if h.text == "Other")
    assert note.cards[1].end <= other.mark


def test_frontmatter_card() -> None:
    note = note_from(
        "---\ntitle: QLoRA\nauthors: [Tim Dettmers, Artidoro Pagnoni]\n"
        "paper: https://arxiv.org/abs/2305.14314\ntags: [finetune]\n---\n### Why interesting\n"
    )
    (card,) = note.cards
    assert card.from_frontmatter and card.title == "QLoRA"
    assert card.authors == ("Tim Dettmers", "Artidoro Pagnoni")
    assert card.paper is not None and card.paper.id == "2305.14314"


@pytest.mark.parametrize(
    ("value", "names", "et_al"),
    [
        ("Chiyuan Zhang et.al.", ("Chiyuan Zhang",), True),
        ("A. Author, B. Author et al.", ("A. Author", "B. Author"), True),
        ("Jason Lee", ("Jason Lee",), False),
        ("X and Y; Z & W", ("X", "Y", "Z", "W"), False),
        ("[[Cameron R. Wolfe]]", ("Cameron R. Wolfe",), False),
        ("", (), False),
    ],
)
def test_split_authors(value: str, names: tuple[str, ...], et_al: bool) -> None:
    assert split_authors(value) == (names, et_al)


@pytest.mark.parametrize(
    ("url", "source", "ident"),
    [
        ("https://arxiv.org/pdf/1611.03530", "arxiv", "1611.03530"),
        ("https://arxiv.org/pdf/2305.18290.pdf", "arxiv", "2305.18290"),
        ("https://arxiv.org/abs/2305.18290", "arxiv", "2305.18290"),
        ("https://arxiv.org/abs/2305.18290v3", "arxiv", "2305.18290"),
        ("http://arxiv.org/abs/hep-th/9901001", "arxiv", "hep-th/9901001"),
        ("https://openreview.net/pdf?id=gEZrGCozdqR", "openreview", "gEZrGCozdqR"),
        ("https://openreview.net/forum?id=abc-DEF_1", "openreview", "abc-DEF_1"),
        ("https://aclanthology.org/2020.acl-main.463.pdf", "acl", "2020.acl-main.463"),
        ("https://doi.org/10.5555/3295222.3295363", "doi", "10.5555/3295222.3295363"),
        ("https://stackoverflow.blog/2024/10/31/post", "web", ""),
    ],
)
def test_paper_link_normalisation(url: str, source: str, ident: str) -> None:
    link = paper_link(url)
    assert link is not None and (link.source, link.id, link.url) == (source, ident, url)


@needs_seeds
def test_seed_cards() -> None:
    """The user's own multi-card note yields its three cards (checked on the real file)."""
    from notesite.parse import parse_note
    from notesite.sources import read_source

    note = parse_note(read_source(SEEDS, "000_ca317f5e9cf19f39.md"))  # type: ignore[arg-type]
    assert len(note.cards) == 3
    assert [c.block_id for c in note.cards] == [None, "transformer-causal", "e1473e"]
    assert note.cards[2].et_al and note.cards[2].paper is not None
    assert note.cards[2].paper.id == "1611.03530"
