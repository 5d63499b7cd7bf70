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


def test_related_lists_kept_between_edits_match_a_fresh_graph(
    vault: Callable[..., Model],
) -> None:
    """``related`` is kept per note and dropped only where an edit can change it: after
    each edit, every kept list equals the one a graph built from scratch gives."""
    files: dict[str, str] = {
        f"n{i}.md": f"# N{i}\n[[n{(i * 7) % 12}]] and [[n{(i + 1) % 12}]] #t{i % 3} #s{i % 5}\n"
        for i in range(12)
    }
    edits = [
        {"n1.md": "# N1 renamed\n[[n7]] and [[n2]] #t1 #s1\n"},  # title only
        {"n2.md": "# N2\n[[n9]] [[n10]] [[n11]] #t2 #s2\n"},  # new links
        {"n3.md": "# N3\n[[n9]] #t0 #s3 #fresh\n"},  # a link gone, a tag left, one joined
        {"n4.md": "# N4\nno links, no tags\n", "n5.md": "# N5\n[[n4]] #fresh\n"},
        {"n6.md": "# N6\n[[n4]] [[n5]] #t0 #t1 #t2 #s0\n"},
    ]
    model = vault(files)
    graph = model.graph
    notes = sorted(model.vault.notes)
    for path in notes:
        graph.related(path)  # every list is kept now
    for edit in edits:
        files.update(edit)
        fresh = vault(files)
        for path in notes:  # what a patch re-adds: notes whose note or links changed
            note, targets = fresh.vault.notes[path], fresh.resolution.targets[path]
            if note != model.vault.notes[path] or targets != model.resolution.targets[path]:
                graph.add(note, targets)
        model = fresh
        for path in notes:
            assert graph.related(path) == fresh.graph.related(path), (edit, path)
