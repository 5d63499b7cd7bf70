"""The link graph: typed edges, backlinks with context, tags, authors, missing, orphans."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest

from notesite.load import Model

FILES = {
    "Cards.md": (
        "## Paper A ^a\nTags: #llm/alignment #RLHF\nAuthors: Ann Lee, Bo Chen et al.\n"
        "Related:\n1. [[Topic]]\n### Why interesting\nSee [[Topic#Part two]] for context.\n\n"
        "## Paper B\nTags: #llm\nAuthors: ann  lee\n### Why\nnothing\n"
    ),
    "Topic.md": (
        "---\ntags: [topic]\n---\n# Topic\nLinks to [[Cards#^a|paper A]] and [[Paper B]].\n\n"
        "## Part two\nA [[Ghost note]] and another [[ghost NOTE]].\n"
    ),
    "Daily.md": "Read [[Topic]] today, and ![[Cards#Paper A]]. Also #rlhf.\n",
    "Lonely.md": "Nobody links here and I link nowhere.\n",
}


@pytest.fixture
def model(vault: Callable[..., Model]) -> Model:
    return vault(FILES)


def test_nodes_and_typed_edges(model: Model) -> None:
    g = model.graph.graph
    assert isinstance(g, nx.MultiDiGraph)
    kinds = {data["kind"] for _, data in g.nodes(data=True)}
    assert kinds == {"note", "card", "tag", "author", "missing"}
    edge_kinds = {data["kind"] for *_, data in g.edges(data=True)}
    assert {"link", "embed", "related", "tag", "author", "contains", "subtag"} <= edge_kinds
    related = [(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "related"]
    assert related == [("card:Cards.md#0", "note:Topic.md")]
    embed = [(u, v, d["line"]) for u, v, d in g.edges(data=True) if d["kind"] == "embed"]
    assert embed == [("note:Daily.md", "card:Cards.md#0", 1)]


def test_backlinks_with_context(model: Model) -> None:
    back = model.graph.backlinks("Topic.md")  # type: ignore[arg-type]
    assert [(b.source, b.card, b.kind, b.line) for b in back] == [
        ("Cards.md", 0, "related", 5),
        ("Cards.md", 0, "link", 7),
        ("Daily.md", None, "link", 1),
    ]
    source = model.vault.notes["Cards.md"]  # type: ignore[index]
    assert source.context(source.links[back[1].link]) == "See Topic › Part two for context."


def test_card_backlinks(model: Model) -> None:
    card_a = model.graph.card_backlinks(("Cards.md", 0))  # type: ignore[arg-type]
    assert sorted((b.source, b.kind) for b in card_a) == [
        ("Daily.md", "embed"),
        ("Topic.md", "link"),
    ]
    card_b = model.graph.card_backlinks(("Cards.md", 1))  # type: ignore[arg-type]
    assert [b.source for b in card_b] == ["Topic.md"]
    assert {b.source for b in model.graph.backlinks("Cards.md")} == {"Topic.md", "Daily.md"}  # type: ignore[arg-type]


def test_tags_are_case_folded_and_nested(model: Model) -> None:
    tags = model.graph.tags
    assert set(tags) == {"llm", "llm/alignment", "rlhf", "topic"}
    assert tags["rlhf"].name == "RLHF"  # first spelling met, in path order
    assert tags["rlhf"].notes == ("Cards.md", "Daily.md")
    assert tags["rlhf"].cards == (("Cards.md", 0),)
    assert tags["llm"].children == ("llm/alignment",)
    assert tags["llm"].cards == (("Cards.md", 1),)


def test_authors_merge_by_name(model: Model) -> None:
    authors = model.graph.authors
    assert set(authors) == {"ann lee", "bo chen"}
    assert authors["ann lee"].cards == (("Cards.md", 0), ("Cards.md", 1))


def test_missing_targets_with_referrers(model: Model) -> None:
    assert model.graph.missing == {"Ghost note": [("Topic.md", 8), ("Topic.md", 8)]}
    g = model.graph.graph
    assert g.in_degree("missing:ghost note") == 2


def test_orphans_and_outgoing(model: Model) -> None:
    assert model.graph.orphans == ("Lonely.md",)
    assert model.graph.outgoing("Daily.md") == ["Topic.md", "Cards.md"]  # type: ignore[arg-type]


def test_related_notes_rank_by_links_and_tags(model: Model) -> None:
    assert model.graph.related("Daily.md")[:2] == ["Cards.md", "Topic.md"]  # type: ignore[arg-type]


def test_hub_backlinks_each_once(vault: Callable[..., Model]) -> None:
    """A hub with many referrers: every backlink appears exactly once."""
    files = {f"n{i:03}.md": f"[[Hub]] and [[Hub#Top]] in n{i}\n" for i in range(300)}
    files["Hub.md"] = "# Top\n"
    model = vault(files)
    back = model.graph.backlinks("Hub.md")  # type: ignore[arg-type]
    assert len(back) == 600
    assert len({(b.source, b.line) for b in back}) == 300
