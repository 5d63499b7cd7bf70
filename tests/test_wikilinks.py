"""Every Obsidian wikilink and embed form, parsed from real Markdown."""

from __future__ import annotations

import pytest

from notesite.wikilinks import parse_target

from .conftest import note_from


@pytest.mark.parametrize(
    ("inner", "path", "headings", "block", "label"),
    [
        ("Note", "Note", (), None, None),
        ("Note|alias", "Note", (), None, "alias"),
        ("Note#Heading", "Note", ("Heading",), None, None),
        ("Note#Heading|alias", "Note", ("Heading",), None, "alias"),
        ("#Heading", "", ("Heading",), None, None),
        ("#Heading|alias", "", ("Heading",), None, "alias"),
        ("Note#^blockid", "Note", (), "blockid", None),
        ("#^blockid", "", (), "blockid", None),
        ("folder/Note", "folder/Note", (), None, None),
        ("Note.md", "Note.md", (), None, None),
        ("Note#H2#H3", "Note", ("H2", "H3"), None, None),
        (
            "October#**Reconciling modern practice**",
            "October",
            ("**Reconciling modern practice**",),
            None,
            None,
        ),
        ("a\\|b", "a", (), None, "b"),
        (" spaced | label ", "spaced", (), None, "label"),
    ],
)
def test_parse_target(
    inner: str, path: str, headings: tuple[str, ...], block: str | None, label: str | None
) -> None:
    target = parse_target(inner)
    assert (target.path, target.headings, target.block, target.label) == (
        path,
        headings,
        block,
        label,
    )


@pytest.mark.parametrize(
    ("inner", "width", "height", "label"),
    [
        ("image.png|300", 300, None, None),
        ("image.png|300x200", 300, 200, None),
        ("image.png|a caption", None, None, "a caption"),
    ],
)
def test_embed_sizes(inner: str, width: int | None, height: int | None, label: str | None) -> None:
    target = parse_target(inner, embed=True)
    assert (target.width, target.height, target.label) == (width, height, label)


def test_display_text_without_alias() -> None:
    assert parse_target("October#**Bold part**").display() == "October › Bold part"
    assert parse_target("#Heading").display() == "Heading"
    assert parse_target("Note#^abc").display() == "Note › ^abc"
    assert parse_target("Note|Shown").display() == "Shown"


def test_every_form_in_a_note_is_a_link_with_its_line() -> None:
    note = note_from(
        "Intro [[Note]] and [[Note|alias]].\n"
        "Heading [[Note#Heading]] [[Note#Heading|alias]] [[#Local]] [[#Local|here]]\n"
        "\n"
        "Block [[Note#^blk]], path [[folder/Note]], suffix [[Note.md]], nested [[Note#H2#H3]].\n"
        "\n"
        "![[Note]] ![[Note#Heading]] ![[Note#^blk]] ![[image.png]] ![[image.png|300]] ![[paper.pdf]]\n"
        "\n"
        "# Local\n"
    )
    kinds = [(link.kind, link.raw, link.line) for link in note.links]
    assert kinds == [
        ("wikilink", "Note", 1),
        ("wikilink", "Note|alias", 1),
        ("wikilink", "Note#Heading", 2),
        ("wikilink", "Note#Heading|alias", 2),
        ("wikilink", "#Local", 2),
        ("wikilink", "#Local|here", 2),
        ("wikilink", "Note#^blk", 4),
        ("wikilink", "folder/Note", 4),
        ("wikilink", "Note.md", 4),
        ("wikilink", "Note#H2#H3", 4),
        ("embed", "Note", 6),
        ("embed", "Note#Heading", 6),
        ("embed", "Note#^blk", 6),
        ("embed", "image.png", 6),
        ("embed", "image.png|300", 6),
        ("embed", "paper.pdf", 6),
    ]
    assert note.links[14].width == 300


@pytest.mark.parametrize(
    "text",
    [
        "Inline `[[Not a link]]` code.",
        "```\n[[Not a link]]\n```",
        "    [[Indented code]]",
        "Math $[[x]] + y$ here.",
        "$$\n[[a]] = b\n$$",
        "%% [[commented out]] %%",
        "%%\n[[hidden block]]\n%%",
        "Escaped \\[[not a link]]",
        "Broken [[across\nlines]] link",
        "Empty [[]] brackets",
    ],
)
def test_no_links_in_code_math_or_comments(text: str) -> None:
    assert note_from(text).links == ()


def test_wikilink_with_escaped_pipe_in_table_cell() -> None:
    note = note_from("| paper | note |\n|---|---|\n| [[DPO\\|Direct preference]] | good |\n")
    (link,) = note.links
    assert (link.path, link.label) == ("DPO", "Direct preference")
    assert "DPO\\|" not in "".join(note.fragment.parts)


def test_markdown_links_to_notes_and_files_are_links() -> None:
    note = note_from(
        "[Scaling](../topics/Scaling%20laws.md) and [sec](#Local) and [nb](micrograd.ipynb) "
        "and [web](https://example.org/page#frag) and ![img](attachments/figure%20one.png)"
    )
    assert [(link.kind, link.path, link.headings) for link in note.links] == [
        ("mdlink", "../topics/Scaling laws.md", ()),
        ("mdlink", "", ("Local",)),
        ("mdlink", "micrograd.ipynb", ()),
        ("image", "attachments/figure one.png", ()),
    ]


def test_backlink_context_is_the_paragraph_text() -> None:
    note = note_from("- first item\n- SGD as an *implicit* regularizer, see [[Gradient descent]]\n")
    (link,) = note.links
    assert note.context(link) == "SGD as an implicit regularizer, see Gradient descent"
