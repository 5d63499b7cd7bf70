"""Golden tests for every renderer feature, in markdown-it-py's fixture format.

Each case in ``fixtures/render.md`` is ``title / . / input / . / expected / .``: the
input is the note ``note.md`` of a small vault that also holds ``other.md`` and
two attachments, and the expected text is the note's filled body HTML as its page
(``notes/note/``) shows it.  Run ``pytest --update-golden`` to rewrite the expected
parts after an intended change, then read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from notesite.config import Config
from notesite.load import load_model
from notesite.outputs import make_site
from notesite.render import Filler
from notesite.templates import default_templates

from .conftest import write_vault

FIXTURES = Path(__file__).parent / "fixtures" / "render.md"
OTHER = (
    "# Other\n## Section\nSection text ^blk\n\n- first item ^li\n- second item\n\n## Later\nmore\n"
)


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        assert lines[i + 1] == ".", f"line {i + 2}: expected '.' after the title"
        j = lines.index(".", i + 2)
        k = lines.index(".", j + 1)
        cases.append((title, "\n".join(lines[i + 2 : j]) + "\n", "\n".join(lines[j + 1 : k])))
        i = k + 1
    return cases


def write_cases(path: Path, cases: list[tuple[str, str, str]]) -> None:
    out = []
    for title, source, expected in cases:
        out += [title, ".", source.rstrip("\n"), ".", expected, ".", ""]
    path.write_text("\n".join(out), encoding="utf-8")


def render(tmp_path: Path, source: str) -> str:
    files: dict[str, str | bytes] = {
        "note.md": source,
        "other.md": OTHER,
        "img.png": b"\x89PNG\r\n\x1a\n",
        "paper.pdf": b"%PDF-1.4\n",
    }
    root = write_vault(tmp_path / "vault", files)
    model = load_model(root, Config(), jobs=1)
    site = make_site(model, (str(default_templates()),))
    note = model.vault.notes["note.md"]  # type: ignore[index]
    url = model.vault.urls[note.path]
    filler = Filler(url, site.views.embedded(model, [note.path]))
    return filler.fill(note.fragment, site.views.notes[note.path]).rstrip("\n")


CASES = read_cases(FIXTURES)


@pytest.mark.parametrize(("title", "source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_render(
    title: str, source: str, expected: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    actual = render(tmp_path, source)
    if request.config.getoption("--update-golden"):
        cases = read_cases(FIXTURES)
        write_cases(FIXTURES, [(t, s, actual if t == title else e) for t, s, e in cases])
        return
    assert actual == expected
