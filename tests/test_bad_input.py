"""Bad input: one clear diagnostic with file and line, and the rest still loads."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite.cli import main
from notesite.diagnostics import Code, Severity
from notesite.load import Model
from notesite.sources import discover
from notesite.templates import default_templates

from .conftest import SAMPLE_VAULT

GOOD = {"good.md": "# Good\n[[bad-yaml]] [[invalid-utf8]] [[empty]]\n"}


def only(model: Model, file: str) -> list[tuple[int, Code]]:
    return [(d.line, d.code) for d in model.diagnostics if d.file == file]


def test_invalid_utf8_keeps_the_text(vault: Callable[..., Model]) -> None:
    model = vault(
        {**GOOD, "invalid-utf8.md": b"line one\nline two \xff\xfe bad\nline three [[good]]\n"}
    )
    assert only(model, "invalid-utf8.md") == [(2, Code.INVALID_ENCODING)]
    note = model.vault.notes["invalid-utf8.md"]  # type: ignore[index]
    assert "line three" in note.text and "\ufffd" in note.text
    assert [t.kind for t in model.resolution.targets["invalid-utf8.md"]] == ["note"]  # type: ignore[index]


def test_empty_file_is_a_note(vault: Callable[..., Model]) -> None:
    model = vault({**GOOD, "empty.md": ""})
    assert only(model, "empty.md") == [(1, Code.EMPTY_FILE)]
    assert "empty.md" in model.vault.notes
    assert model.diagnostics[0].severity == Severity.INFO


def test_binary_file_named_md_is_skipped(vault: Callable[..., Model]) -> None:
    model = vault({**GOOD, "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
    assert only(model, "binary.md") == [(1, Code.UNREADABLE_FILE)]
    assert "binary.md" not in model.vault.notes and "good.md" in model.vault.notes


def test_broken_yaml_is_reported_at_its_line_and_shown(vault: Callable[..., Model]) -> None:
    text = "---\ntitle: ok\ntags: [unclosed\naliases: x\n---\nBody survives [[good]]\n"
    model = vault({**GOOD, "bad-yaml.md": text})
    ((line, code),) = only(model, "bad-yaml.md")
    assert code == Code.BAD_FRONTMATTER and 3 <= line <= 5
    note = model.vault.notes["bad-yaml.md"]  # type: ignore[index]
    html = "".join(note.fragment.parts[::2])
    assert "frontmatter-error" in html and "tags: [unclosed" in html
    assert note.title == "bad-yaml" and "Body survives" in note.text


def test_frontmatter_that_is_not_a_mapping(vault: Callable[..., Model]) -> None:
    model = vault({**GOOD, "list.md": "---\n- a\n- b\n---\ntext\n"})
    assert only(model, "list.md") == [(2, Code.BAD_FRONTMATTER)]


def test_unclosed_frontmatter_is_text(vault: Callable[..., Model]) -> None:
    model = vault({**GOOD, "open.md": "---\ntitle: never closed\n\nbody\n"})
    assert only(model, "open.md") == [(1, Code.BAD_FRONTMATTER)]
    assert "never closed" in model.vault.notes["open.md"].text  # type: ignore[index]


def test_unterminated_code_fence(vault: Callable[..., Model]) -> None:
    text = "# Title\n\ntext\n\n```python\ncode = 1\n[[not a link]]\n"
    model = vault({**GOOD, "fence.md": text})
    assert only(model, "fence.md") == [(5, Code.UNTERMINATED_FENCE)]
    assert model.vault.notes["fence.md"].links == ()  # type: ignore[index]


def test_closed_fences_in_lists_are_fine(vault: Callable[..., Model]) -> None:
    text = "* item\n    * nested\n        ```\n        code\n        ```\n* next\n\n~~~~\nx\n~~~~\n"
    assert only(vault({"f.md": text}), "f.md") == []


def test_bad_math_is_shown_as_source(vault: Callable[..., Model]) -> None:
    model = vault({"m.md": "ok $x^2$ and\n\nbroken $\\frac{a}{$ here\n"})
    assert only(model, "m.md") == [(3, Code.BAD_MATH)]
    html = "".join(model.vault.notes["m.md"].fragment.parts[::2])  # type: ignore[index]
    assert "<math" in html and 'class="math-source"' in html


def test_every_problem_at_once_leaves_the_rest_loaded(vault: Callable[..., Model]) -> None:
    model = vault(
        {
            **GOOD,
            "bad-yaml.md": "---\n: : :\n---\n",
            "invalid-utf8.md": b"\xc3\x28",
            "empty.md": "",
            "binary.md": b"\x00\x01",
        }
    )
    assert set(model.vault.notes) == {"good.md", "bad-yaml.md", "invalid-utf8.md", "empty.md"}
    assert [t.kind for t in model.resolution.targets["good.md"]] == ["note"] * 3  # type: ignore[index]


def test_discovery_skips_the_output_folder_inside_the_vault(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "_site/notes/a").mkdir(parents=True)
    (vault / "_site/notes/a/index.html").write_text("<p>built</p>", encoding="utf-8")
    (vault / "_site/stray.md").write_text("# not a note", encoding="utf-8")
    (vault / "img").mkdir()
    (vault / "img/x.png").write_bytes(b"\x89PNG")
    (vault / "a.md").write_text("# A\n", encoding="utf-8")
    found = discover(vault, skip=(vault / "_site",))
    assert found.notes == ("a.md",) and found.assets == ("img/x.png",)
    link = tmp_path / "link"  # the vault reached through a symlink: the same folder
    link.symlink_to(vault)
    found = discover(link, skip=(vault / "_site",))
    assert found.notes == ("a.md",) and found.assets == ("img/x.png",)
    assert discover(vault).notes == ("_site/stray.md", "a.md")  # nothing skipped


def test_a_broken_template_is_reported_and_the_rest_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A vault's template that fails names its file and line, the pages that use
    other templates are built, the failing pages keep their last good version, and
    the build exits 1; fixing the template brings every page back."""
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, vault, ignore=shutil.ignore_patterns(".notesite-cache"))
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert main(["build", str(vault), "-o", str(out)]) == 0
    note = "notes/topics/alignment-overview/index.html"
    good = (out / note).read_bytes()
    (vault / "templates").mkdir()
    (vault / "templates/note.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ note.nosuch.attr }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["build", str(vault), "-o", str(fresh)]) == 1
    report = capsys.readouterr().out
    assert "templates/note.html:3: error: UndefinedError" in report
    assert "[template-error]" in report and "more pages" in report
    assert not (fresh / note).exists()
    assert (fresh / "papers/chinchilla/index.html").is_file()  # card pages: card.html
    assert (fresh / "index.html").is_file() and (fresh / "tags/index.html").is_file()
    assert main(["build", str(vault), "-o", str(out)]) == 1
    assert (out / note).read_bytes() == good  # not replaced: the last good page stays
    (vault / "templates/note.html").write_text(
        '{% extends "base.html" %}\n{% block main %}<p id="custom">{{ note.title }}</p>'
        "{% endblock %}\n{% block aside %}{{ panels_html }}{% endblock %}\n",
        encoding="utf-8",
    )
    assert main(["build", str(vault), "-o", str(out)]) == 0
    assert '<p id="custom">Alignment overview</p>' in (out / note).read_text(encoding="utf-8")


def test_a_macros_override_without_the_papers_row_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older copy of ``_macros.html`` (no ``paper_row``) fails the papers page only,
    with a message naming the missing macro."""
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, vault, ignore=shutil.ignore_patterns(".notesite-cache"))
    macros = (default_templates() / "_macros.html").read_text(encoding="utf-8")
    (vault / "templates").mkdir()
    (vault / "templates/_macros.html").write_text(
        macros[: macros.index("{#- One row of the papers table")], encoding="utf-8"
    )
    assert main(["build", str(vault), "-o", str(tmp_path / "out")]) == 1
    report = capsys.readouterr().out
    assert "_macros.html has no macro 'paper_row'" in report and "[template-error]" in report
    assert not (tmp_path / "out/papers/index.html").exists()
    assert (tmp_path / "out/notes/topics/alignment-overview/index.html").is_file()
