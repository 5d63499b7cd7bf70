"""Incremental rebuilds give exactly the bytes of a full build, and touch only what they must.

Each scenario edits a copy of the sample vault on disk, lets the engine update the
site it built before, and compares the whole output tree with a cold build of
the edited vault.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite.config import load_config
from notesite.engine import Engine
from notesite.live import LiveEngine
from notesite.results import BuildResult

from .conftest import SAMPLE_VAULT


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_same_site(a: Path, b: Path) -> None:
    left, right = tree(a), tree(b)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert different == []


class Workspace:
    def __init__(self, tmp: Path) -> None:
        self.vault = tmp / "vault"
        shutil.copytree(SAMPLE_VAULT, self.vault, ignore=shutil.ignore_patterns(".notesite-cache"))
        self.out = tmp / "out"
        self.cold = tmp / "cold"
        config = load_config(self.vault).replace(output=str(self.out))
        self.engine = LiveEngine(self.vault, config, jobs=1)
        self.engine.build(clean=True)

    def edit(self, rel: str, change: Callable[[str], str]) -> None:
        path = self.vault / rel
        text = path.read_text(encoding="utf-8")
        edited = change(text)
        assert edited != text, f"the edit changes nothing in {rel}"
        path.write_text(edited, encoding="utf-8")

    def update(self, *paths: str) -> BuildResult:
        result = self.engine.update(paths)
        self.engine.finish()
        self.check(result)
        return result

    def check(self, result: BuildResult) -> None:
        """The output is exactly what a cold build of the vault as it is now makes."""
        shutil.rmtree(self.cold, ignore_errors=True)
        cold = Engine(self.vault, load_config(self.vault).replace(output=str(self.cold)), jobs=1)
        cold.build(clean=True)
        assert_same_site(self.out, self.cold)
        assert result.diagnostics == cold.state.diagnostics


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


DPO = "papers/alignment/DPO.md"
OVERVIEW = "topics/Alignment overview.md"


def rendered_urls(ws: Workspace, before: dict[str, str]) -> set[str]:
    return {u for u, d in ws.engine.state.digests.items() if before.get(u) != d}


def test_body_edit_touches_few_pages(ws: Workspace) -> None:
    before = dict(ws.engine.state.digests)
    ws.edit(DPO, lambda t: t + "\nA new closing thought about preference data.\n")
    result = ws.update(DPO)
    changed = rendered_urls(ws, before)
    assert "notes/papers/alignment/dpo/" in changed
    assert result.rendered < 25, result.rendered
    assert "tags/" not in changed and "papers/" not in changed


def test_title_change_of_a_hub(ws: Workspace) -> None:
    before = dict(ws.engine.state.digests)
    ws.edit(
        OVERVIEW,
        lambda t: t.replace("title: Alignment overview", "title: Alignment, an overview", 1),
    )
    ws.update(OVERVIEW)
    changed = rendered_urls(ws, before)
    graph = ws.engine.understood().model.graph
    neighbours = {b.source for b in graph.backlinks(OVERVIEW)} | set(graph.outgoing(OVERVIEW))
    urls = ws.engine.understood().model.vault.urls
    # every note linking to it shows its title in Links, every note it links to in Backlinks
    assert {urls[p] for p in neighbours} <= changed
    assert len(neighbours) >= 5


def test_frontmatter_title_change(ws: Workspace) -> None:
    ws.edit(DPO, lambda t: t.replace("title: DPO", "title: Direct preference optimisation", 1))
    ws.update(DPO)


def test_new_link_and_removed_link(ws: Workspace) -> None:
    ws.edit(DPO, lambda t: t + "\nSee also [[Scaling laws]] and [[Mixture of Depths]].\n")
    ws.update(DPO)
    ws.edit(
        DPO,
        lambda t: t.replace(
            "See also [[Scaling laws]] and [[Mixture of Depths]].", "No links now."
        ),
    )
    ws.update(DPO)


def test_tag_change(ws: Workspace) -> None:
    ws.edit(DPO, lambda t: t + "\nAlso #brand-new/tag here.\n")
    ws.update(DPO)
    ws.edit(DPO, lambda t: t.replace("#brand-new/tag", "no tag"))
    ws.update(DPO)


def test_card_fields_change(ws: Workspace) -> None:
    ws.edit(
        DPO,
        lambda t: t.replace("Authors: Rafael Rafailov", "Authors: Someone New, Rafael Rafailov", 1),
    )
    ws.update(DPO)


def test_heading_rename_reresolves_links_into_it(ws: Workspace) -> None:
    ws.edit(
        OVERVIEW, lambda t: t.replace("## The KL-regularised objective", "## The KL objective", 1)
    )
    ws.update(OVERVIEW)


def test_embedded_section_edit_updates_the_embedder(ws: Workspace) -> None:
    target = "topics/Scaling laws.md"
    ws.edit(
        target,
        lambda t: t.replace(
            "## Chinchilla correction", "## Chinchilla correction\n\nFresh embedded sentence.\n", 1
        ),
    )
    before = dict(ws.engine.state.digests)
    ws.update(target)
    # Home.md transcludes that section: its note page and the site's home page show it
    assert "Fresh embedded sentence." in (ws.out / "notes/home/index.html").read_text()
    assert "Fresh embedded sentence." in (ws.out / "index.html").read_text()
    assert {"notes/home/", ""} <= rendered_urls(ws, before)


def test_create_note_resolving_a_dangling_link(ws: Workspace) -> None:
    (ws.vault / "Mixture of Depths.md").write_text(
        "# Mixture of Depths\nRoute tokens past layers.\n"
    )
    ws.update("Mixture of Depths.md")
    assert not (ws.out / "missing/index.html").read_text().count('mixture-of-depths"')


def test_delete_note(ws: Workspace) -> None:
    (ws.vault / "papers/finetuning/LoRA.md").unlink()
    ws.update("papers/finetuning/LoRA.md")
    assert not (ws.out / "notes/papers/finetuning/lora").exists()


def test_rename_note(ws: Workspace) -> None:
    old, new = (
        ws.vault / "papers/alignment/DPO.md",
        ws.vault / "papers/alignment/Direct preference.md",
    )
    old.rename(new)
    ws.update("papers/alignment/DPO.md", "papers/alignment/Direct preference.md")


def test_publish_toggle(ws: Workspace) -> None:
    ws.edit(DPO, lambda t: t.replace("---\n", "---\npublish: false\n", 1))
    ws.update(DPO)


def test_asset_added_and_referenced(ws: Workspace) -> None:
    (ws.vault / "attachments/new figure.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'/>"
    )
    ws.edit(DPO, lambda t: t + "\n![[new figure.svg]]\n")
    ws.update("attachments/new figure.svg", DPO)
    assert (ws.out / "files/attachments/new figure.svg").is_file()


def test_nothing_changed(ws: Workspace) -> None:
    result = ws.engine.update([DPO])
    assert result.rendered == 0 and result.stats.written == 0


def test_hub_page_ignores_edits_beyond_its_listed_backlinks(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    for i in range(75):
        (vault / f"n{i:03}.md").write_text(f"# N{i}\nAbout [[Hub]] in note {i}.\n")
    (vault / "Hub.md").write_text("# Hub\n")
    engine = LiveEngine(vault, load_config(vault).replace(output=str(tmp_path / "out")), jobs=1)
    engine.build(clean=True)
    before = dict(engine.state.digests)
    (vault / "n070.md").write_text("# N70\nAbout [[Hub]], edited.\n")
    engine.update(["n070.md"])
    changed = {u for u, d in engine.state.digests.items() if before.get(u) != d}
    assert changed == {"notes/n070/"}
    (vault / "n001.md").write_text("# N1\nAbout [[Hub]], edited.\n")
    engine.update(["n001.md"])
    changed = {u for u, d in engine.state.digests.items() if before.get(u) != d}
    assert "notes/hub/" in changed


def test_alias_change(ws: Workspace) -> None:
    # DPO's alias "Direct Preference Optimization" is used by links elsewhere
    ws.edit(DPO, lambda t: t.replace("  - Direct Preference Optimization\n", "  - DPO paper\n", 1))
    ws.update(DPO)


def test_card_title_change_moves_its_page(ws: Workspace) -> None:
    note = "papers/scaling/Scaling and generalization.md"
    ws.edit(
        note,
        lambda t: t.replace("## Chinchilla ^chinchilla", "## Chinchilla scaling ^chinchilla", 1),
    )
    ws.update(note)
    assert not (ws.out / "papers/chinchilla").exists()
    assert (ws.out / "papers/chinchilla-scaling/index.html").is_file()


def test_card_added_and_removed(ws: Workspace) -> None:
    ws.edit(DPO, lambda t: t + "\n## A second card\nTags: #new-card-tag\nAuthors: Nobody Yet\n")
    ws.update(DPO)
    ws.edit(DPO, lambda t: t.split("\n## A second card")[0])
    ws.update(DPO)


def test_duplicate_card_title_shifts_another_cards_page(ws: Workspace) -> None:
    ws.edit(DPO, lambda t: t + "\n## Chinchilla\nTags: #dup\n")
    ws.update(DPO)


def test_card_title_change_updates_same_author_panels(ws: Workspace) -> None:
    # Long Ouyang and Jeff Wu also wrote a card in another note, whose page lists
    # this card under "Same authors"
    note = "papers/alignment/InstructGPT.md"
    ws.edit(
        note,
        lambda t: t.replace(
            "## Training language models to follow instructions with human feedback ^",
            "## InstructGPT: following instructions with human feedback ^",
            1,
        ),
    )
    ws.update(note)
    other = (ws.out / "papers/learning-to-summarize-from-human-feedback/index.html").read_text()
    assert "InstructGPT: following instructions with human feedback" in other


def test_card_title_change_reaches_unlinked_coauthor_cards(ws: Workspace) -> None:
    (ws.vault / "inbox").mkdir(exist_ok=True)
    (ws.vault / "inbox/Alpha.md").write_text(
        "# Alpha\n\n## Alpha paper ^alpha\nAuthors: Jane Roe, John Poe\n\nText.\n",
        encoding="utf-8",
    )
    (ws.vault / "inbox/Beta.md").write_text(
        "# Beta\n\n## Beta paper\nAuthors: Jane Roe\n\nMore text.\n", encoding="utf-8"
    )
    ws.update("inbox/Alpha.md", "inbox/Beta.md")
    ws.edit("inbox/Alpha.md", lambda t: t.replace("## Alpha paper", "## Alpha paper, revised"))
    ws.update("inbox/Alpha.md")
    beta = (ws.out / "papers/beta-paper/index.html").read_text()
    assert "Alpha paper, revised" in beta


def test_a_shifted_card_url_reaches_coauthor_cards(ws: Workspace) -> None:
    (ws.vault / "inbox").mkdir(exist_ok=True)
    (ws.vault / "inbox/Alpha.md").write_text(
        "# Alpha\n\n## Alpha paper\nAuthors: Jane Roe\n\nText.\n", encoding="utf-8"
    )
    (ws.vault / "inbox/Beta.md").write_text(
        "# Beta\n\n## Beta paper\nAuthors: Jane Roe\n\nMore text.\n", encoding="utf-8"
    )
    (ws.vault / "inbox/Aardvark.md").write_text("# Aardvark\n\nNothing yet.\n", encoding="utf-8")
    ws.update("inbox/Alpha.md", "inbox/Beta.md", "inbox/Aardvark.md")
    before = (ws.out / "papers/beta-paper/index.html").read_text(encoding="utf-8")
    # a card earlier in path order takes the slug: Alpha's card page moves
    ws.edit("inbox/Aardvark.md", lambda t: t + "\n## Alpha paper\nTags: #dup\n")
    ws.update("inbox/Aardvark.md")
    after = (ws.out / "papers/beta-paper/index.html").read_text(encoding="utf-8")
    assert before != after  # the same-authors link follows the moved page


HUB = """---
title: Hub survey
aliases: [The hub]
tags: [survey]
authors: [Ann Writer]
---
# Hub survey

## Method
Text. ^key-point

## Results
More text.
"""

LINKERS = {
    "a/Plain.md": "# Plain\nSee [[Hub]] and [[Hub|a label]].\n",
    "a/Heading.md": "# Heading\nSee [[Hub#Method]] and [[Hub#Results|results]].\n",
    "a/Block.md": "# Block\nSee [[Hub#^key-point]].\n",
    "a/Alias.md": "# Alias\nSee [[The hub]].\n",
    "a/Card title.md": "# Card title\nSee [[Hub survey]].\n",
    "a/Future title.md": "# Future title\nSee [[Hub overview]] (dangling for now).\n",
    "a/Embed.md": "# Embed\n![[Hub#Method]]\n",
    "a/Embed whole.md": "# Embed whole\n![[Hub]]\n",
    "a/Other.md": "# Other\nLinks to [[Plain]] only.\n",
}


@pytest.fixture
def hub_ws(tmp_path: Path) -> Workspace:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Hub.md").write_text(HUB, encoding="utf-8")
    for rel, text in LINKERS.items():
        (vault / rel).parent.mkdir(exist_ok=True)
        (vault / rel).write_text(text, encoding="utf-8")
    ws = Workspace.__new__(Workspace)
    ws.vault, ws.out, ws.cold = vault, tmp_path / "out", tmp_path / "cold"
    config = load_config(vault).replace(output=str(ws.out))
    ws.engine = LiveEngine(vault, config, jobs=1)
    ws.engine.build(clean=True)
    return ws


def resolved(ws: Workspace, rel: str) -> tuple[object, ...]:
    return ws.engine.understood().model.resolution.targets[rel]


@pytest.mark.parametrize(
    ("change", "plain_moves"),
    [
        # the frontmatter card's title (a link target) and the first heading
        (
            lambda t: t.replace("title: Hub survey", "title: Hub overview").replace(
                "# Hub survey", "# Hub overview"
            ),
            False,
        ),
        (lambda t: t.replace("[The hub]", "[The centre]"), False),  # an alias
        (lambda t: t.replace("## Method", "## Approach"), False),  # a heading links point into
        (lambda t: t.replace("Text. ^key-point", "Text.\n\nMoved. ^key-point"), False),
        # plain links land on the frontmatter card: without one, they land on the note
        (lambda t: "# Hub\n" + t.split("# Hub survey\n", 1)[1], True),
    ],
    ids=["card-title", "alias", "heading", "block", "no-frontmatter-card"],
)
def test_a_hub_change_reresolves_exactly_the_links_it_moves(
    hub_ws: Workspace, change: Callable[[str], str], plain_moves: bool
) -> None:
    before = {rel: resolved(hub_ws, rel) for rel in LINKERS}
    hub_ws.edit("Hub.md", change)
    hub_ws.update("Hub.md")  # the whole site equals a cold build of the edited vault
    after = {rel: resolved(hub_ws, rel) for rel in LINKERS}
    # links by file name alone were not resolved again (the same objects), unless
    # what a plain link lands on changed
    assert after["a/Other.md"] is before["a/Other.md"]
    assert (after["a/Plain.md"] is not before["a/Plain.md"]) == plain_moves


def test_the_papers_table_renders_only_the_rows_that_changed(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notesite import templates

    rendered: list[object] = []
    render = templates._Rows.render

    def counting(self: templates._Rows, name: str, item: object) -> object:
        rendered.append(item)
        return render(self, name, item)

    monkeypatch.setattr(templates._Rows, "render", counting)
    ws.edit(DPO, lambda t: t.replace("title: DPO", "title: Direct preference optimisation", 1))
    result = ws.engine.update([DPO])
    ws.engine.finish()
    done = list(rendered)
    ws.check(result)  # the whole site is what a cold build makes
    # the row of DPO's card shows the note's title
    assert [getattr(item, "note_title", None) for item in done] == [
        "Direct preference optimisation"
    ]


FRESH_EDITS = {
    "body": (DPO, lambda t: t + "\nA new closing thought about preference data.\n", True),
    "hub title": (
        OVERVIEW,
        lambda t: t.replace("title: Alignment overview", "title: Alignment, an overview", 1),
        True,
    ),
    "heading": (
        OVERVIEW,
        lambda t: t.replace("## The KL-regularised objective", "## The KL objective", 1),
        True,
    ),
    "alias": (
        DPO,
        lambda t: t.replace("  - Direct Preference Optimization\n", "  - DPO paper\n", 1),
        True,
    ),
    "card title": (
        "papers/scaling/Scaling and generalization.md",
        lambda t: t.replace("## Chinchilla ^chinchilla", "## Chinchilla scaling ^chinchilla", 1),
        True,
    ),
    "tag": (DPO, lambda t: t + "\nAlso #brand-new/tag here.\n", True),
    "embedded section": (
        "topics/Scaling laws.md",
        lambda t: t.replace(
            "## Chinchilla correction", "## Chinchilla correction\n\nFresh embedded sentence.\n", 1
        ),
        True,
    ),
    "publish": (DPO, lambda t: t.replace("---\n", "---\npublish: false\n", 1), False),
}


@pytest.mark.parametrize("kind", sorted(FRESH_EDITS))
def test_a_fresh_build_after_an_edit_patches_the_last_site_like_serve(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``notesite build`` after editing a note (a new process: state and notes from the
    cache) patches the site the last build saw, as serve does, instead of checking
    every page; and makes exactly what a cold build makes."""
    rel, change, patched = FRESH_EDITS[kind]
    ws = Workspace.__new__(Workspace)
    ws.vault, ws.out, ws.cold = tmp_path / "vault", tmp_path / "out", tmp_path / "cold"
    shutil.copytree(SAMPLE_VAULT, ws.vault, ignore=shutil.ignore_patterns(".notesite-cache"))
    config = load_config(ws.vault).replace(output=str(ws.out))
    Engine(ws.vault, config, jobs=1).build()
    ws.edit(rel, change)
    seen: list[object] = []
    previous_site = Engine._previous_site

    def spy(self: Engine, before: dict[str, object]) -> object:
        seen.append(previous_site(self, before))  # type: ignore[arg-type]
        return seen[-1]

    monkeypatch.setattr(Engine, "_previous_site", spy)
    fresh = Engine(ws.vault, config, jobs=1)
    result = fresh.build()
    assert (seen[0] is not None) == patched
    ws.check(result)
    if patched:
        assert result.rendered < len(fresh.state.digests) / 2
