"""Tags and block ids, as Obsidian reads them."""

from __future__ import annotations

import pytest

from .conftest import note_from


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Tags: #LLM #finetune", ["LLM", "finetune"]),
        ("nested #alignment/rlhf and #a/b/c", ["alignment/rlhf", "a/b/c"]),
        ("#start of line", ["start"]),
        ("dash #DL-fundation under_score #snake_case", ["DL-fundation", "snake_case"]),
        ("unicode #Tülu", ["Tülu"]),
        ("issue #1 and #2024 are numbers", []),
        ("but #2024-plan is a tag", ["2024-plan"]),
        ("url https://example.org/page#section is not", []),
        ("word#inside is not", []),
        ("entity &#123; is not", []),
        ("code `#not-a-tag` is not", []),
        ("math $#x$ is not", []),
        ("trailing slash #a/ is trimmed", ["a"]),
    ],
)
def test_inline_tags(text: str, tags: list[str]) -> None:
    assert [t.name for t in note_from(text).tags] == tags


def test_heading_is_not_a_tag_and_frontmatter_tags_count() -> None:
    note = note_from("---\ntags: [paper, '#alignment/dpo']\n---\n# Heading\n## Another #real\n")
    assert [t.name for t in note.tags] == ["paper", "alignment/dpo", "real"]
    assert note.headings[1].text == "Another #real"


def test_frontmatter_tags_as_a_string() -> None:
    note = note_from("---\ntags: llm, rlhf scaling\n---\nbody\n")
    assert [t.name for t in note.tags] == ["llm", "rlhf", "scaling"]


@pytest.mark.parametrize(
    ("text", "block", "kind"),
    [
        ("A paragraph that ends with an id ^para-1", "para-1", "paragraph"),
        ("- item one\n- item two ^item2\n- item three", "item2", "list_item"),
        ("## Heading ^head", "head", "heading"),
        ("## Heading^nospace-id", "nospace-id", "heading"),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n\n^table-id", "table-id", "table"),
        ("> quoted\n\n^quote-id", "quote-id", "blockquote"),
    ],
)
def test_block_ids(text: str, block: str, kind: str) -> None:
    note = note_from(text)
    assert [(b.id, b.kind) for b in note.blocks] == [(block, kind)]
    html = "".join(note.fragment.parts[::2])
    assert f'id="^{block}"' in html
    assert f"^{block}<" not in html and f" ^{block}" not in html


@pytest.mark.parametrize(
    "text",
    [
        "## Energy E = mc^2",
        "## Transpose x^T",
        "a price of 5^3 units",
        "no space before^caret in paragraph",
    ],
)
def test_carets_that_are_not_block_ids(text: str) -> None:
    note = note_from(text)
    assert note.blocks == ()
    assert "^" in note.text


def test_heading_block_id_is_not_in_the_title() -> None:
    note = note_from("## How Transformers Learn Causal Structure^transformer-causal\nbody\n")
    assert note.headings[0].text == "How Transformers Learn Causal Structure"
    assert note.headings[0].anchor == "how-transformers-learn-causal-structure"
