"""Link resolution by Obsidian's rules, table-driven over one small vault."""

from __future__ import annotations

from pathlib import Path

import pytest

from notesite.config import Config
from notesite.diagnostics import Code
from notesite.load import Model, load_model
from notesite.resolve import Target

from .conftest import write_vault

FILES: dict[str, str | bytes] = {
    "Home.md": "start\n",
    "papers/alignment/DPO.md": (
        "---\naliases: [Direct Preference Optimization]\n---\n"
        "# DPO\n## Method\n### Loss\ntext ^loss-para\n## **Bold heading**\n"
    ),
    "papers/alignment/Notes.md": "alignment notes\n",
    "papers/scaling/Notes.md": "scaling notes\n",
    "papers/scaling/Cards.md": "## Chinchilla ^chin\nTags: #scaling\n### Why\n",
    "topics/Scaling laws.md": "# Scaling laws\n",
    "topics/Tülu 3.md": "unicode name\n",
    "attachments/diagram.svg": "<svg/>",
    "papers/alignment/local.png": b"\x89PNG",
    "other/local.png": b"\x89PNG",
    "papers/alignment/Linker.md": "placeholder\n",
}


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Model:
    root = write_vault(tmp_path_factory.mktemp("vault"), FILES)
    return load_model(root, Config(), jobs=1)


def resolve_one(
    tmp_path: Path, body: str, where: str = "papers/alignment/Linker.md"
) -> tuple[Target, list[str]]:
    files = dict(FILES)
    files[where] = body
    model = load_model(write_vault(tmp_path, files), Config(), jobs=1)
    (target,) = model.resolution.targets[where]  # type: ignore[index]
    codes = [d.code.value for d in model.diagnostics if d.file == where]
    return target, codes


@pytest.mark.parametrize(
    ("body", "kind", "path", "anchor", "codes"),
    [
        ("[[Home]]", "note", "Home.md", "", []),
        ("[[home]]", "note", "Home.md", "", []),  # case-insensitive
        ("[[Home.md]]", "note", "Home.md", "", []),
        ("[[DPO#Method]]", "note", "papers/alignment/DPO.md", "method", []),
        ("[[DPO#method|the method]]", "note", "papers/alignment/DPO.md", "method", []),
        ("[[DPO#Method#Loss]]", "note", "papers/alignment/DPO.md", "loss", []),
        ("[[DPO#Bold heading]]", "note", "papers/alignment/DPO.md", "bold-heading", []),
        ("[[DPO#**Bold heading**]]", "note", "papers/alignment/DPO.md", "bold-heading", []),
        ("[[DPO#^loss-para]]", "note", "papers/alignment/DPO.md", "^loss-para", []),
        ("[[DPO#No such]]", "note", "papers/alignment/DPO.md", "", ["missing-heading"]),
        ("[[DPO#Loss#Method]]", "note", "papers/alignment/DPO.md", "", ["missing-heading"]),
        ("[[DPO#^nope]]", "note", "papers/alignment/DPO.md", "", ["missing-block"]),
        ("[[Direct Preference Optimization]]", "note", "papers/alignment/DPO.md", "", []),
        (
            "[[Notes]]",
            "note",
            "papers/alignment/Notes.md",
            "",
            ["ambiguous-link"],
        ),  # same folder wins
        ("[[scaling/Notes]]", "note", "papers/scaling/Notes.md", "", []),
        ("[[papers/scaling/Notes]]", "note", "papers/scaling/Notes.md", "", []),
        ("[[Chinchilla]]", "note", "papers/scaling/Cards.md", "chinchilla", []),  # card title
        ("[[Cards#^chin]]", "note", "papers/scaling/Cards.md", "^chin", []),
        ("[[tülu 3]]", "note", "topics/Tülu 3.md", "", []),
        ("[[Gradient descent]]", "missing", None, "", ["dangling-link"]),
        ("[[diagram.svg]]", "asset", "attachments/diagram.svg", "", []),
        ("![[diagram.svg|300]]", "asset", "attachments/diagram.svg", "", []),
        ("![[local.png]]", "asset", "papers/alignment/local.png", "", []),  # same folder first
        ("![[missing.png]]", "missing-asset", None, "", ["missing-asset"]),
        ("![](local.png)", "asset", "papers/alignment/local.png", "", []),
        ("![](../../attachments/diagram.svg)", "asset", "attachments/diagram.svg", "", []),
        ("![](nowhere.png)", "missing-asset", None, "", ["missing-asset"]),
        ("[x](../../topics/Scaling%20laws.md)", "note", "topics/Scaling laws.md", "", []),
        ("[x](DPO.md#method)", "note", "papers/alignment/DPO.md", "method", []),
        (
            "[x](Scaling%20laws.md)",
            "note",
            "topics/Scaling laws.md",
            "",
            [],
        ),  # by name, like Obsidian
        ("[x](#Nothing)", "note", "papers/alignment/Linker.md", "", ["missing-heading"]),
        ("[[../../etc/passwd]]", "missing", None, "", ["dangling-link"]),  # = vault-root etc/passwd
        ("[[../../../etc/passwd]]", "outside", None, "", ["outside-vault"]),
        ("[[../../../../../../etc/hosts]]", "outside", None, "", ["outside-vault"]),
        ("![](../../../secret.png)", "outside", None, "", ["outside-vault"]),
    ],
)
def test_resolution(
    tmp_path: Path, body: str, kind: str, path: str | None, anchor: str, codes: list[str]
) -> None:
    target, found = resolve_one(tmp_path, body)
    assert (target.kind, target.path, target.anchor) == (kind, path, anchor)
    assert found == codes


def test_shortest_path_wins_outside_the_linking_folder(tmp_path: Path) -> None:
    target, codes = resolve_one(tmp_path, "[[Notes]]", where="Home.md")
    # neither Notes.md is in the root folder; equal depth, so the shorter path
    assert target.path == "papers/scaling/Notes.md"
    assert codes == ["ambiguous-link"]


def test_card_targets_are_recorded(model: Model, tmp_path: Path) -> None:
    target, _ = resolve_one(tmp_path, "[[Cards#Why]]")
    assert target.card == 0
    target, _ = resolve_one(tmp_path, "[[Chinchilla]]")
    assert target.card == 0


def test_outside_links_never_read_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open = Path.read_bytes

    def spy(self: Path) -> bytes:
        opened.append(str(self))
        return real_open(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    files = dict(FILES)
    files["Home.md"] = "[[../../etc/passwd]] ![[../../../../etc/hostname]] ![](../x.png)"
    model = load_model(write_vault(tmp_path, files), Config(), jobs=1)
    assert [t.kind for t in model.resolution.targets["Home.md"]] == ["outside"] * 3  # type: ignore[index]
    vault_root = str(tmp_path)
    assert opened and all(p.startswith(vault_root) for p in opened)


def test_duplicate_card_titles_are_reported(tmp_path: Path) -> None:
    files = {"a.md": "## Same title\nTags: #x\n", "b.md": "## same TITLE\nTags: #y\n"}
    model = load_model(write_vault(tmp_path, files), Config(), jobs=1)
    dupes = [d for d in model.diagnostics if d.code == Code.DUPLICATE_CARD]
    assert [(d.file, d.line) for d in dupes] == [("b.md", 1)]
    assert set(model.vault.card_urls.values()) == {"papers/same-title/", "papers/same-title-2/"}


def test_slug_collisions_get_distinct_urls(tmp_path: Path) -> None:
    model = load_model(write_vault(tmp_path, {"A b.md": "x", "a-b.md": "y"}), Config(), jobs=1)
    assert sorted(model.vault.urls.values()) == ["notes/a-b-2/", "notes/a-b/"]
    assert [d.code for d in model.diagnostics] == [Code.SLUG_COLLISION]
