"""``notesite check``: file:line output, a summary, exit status, strict mode, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from notesite.cli import main

from .conftest import SAMPLE_VAULT, SEEDS, needs_seeds, write_vault

VAULT = {
    "a.md": "# A\n[[b]] [[missing one]]\n\n![[nope.png]]\n",
    "b.md": "---\ntitle: B\n---\n[[a#No heading]]\n",
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def test_text_report_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, VAULT)
    code, out = run(["check", str(tmp_path)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "a.md:2: warning: [[missing one]] does not match any note, alias or card [dangling-link]",
        "a.md:4: warning: attachment 'nope.png' not found in the vault [missing-asset]",
        "b.md:4: warning: no heading 'No heading' in a.md [missing-heading]",
    ]
    assert lines[-1] == "2 notes, 0 cards, 4 links, 1 dangling targets: 0 errors, 3 warnings"


def test_strict_turns_warnings_into_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, VAULT)
    code, out = run(["check", "--strict", str(tmp_path)], capsys)
    assert code == 1
    assert "a.md:2: error: [[missing one]]" in out
    assert out.splitlines()[-1].endswith("3 errors, 0 warnings")


def test_errors_fail_without_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, {"bad.md": "---\nx: [\n---\n"})
    code, out = run(["check", str(tmp_path)], capsys)
    assert code == 1 and "bad.md:3: error: invalid YAML" in out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_vault(tmp_path, {**VAULT, "sub/c.md": "[[../../../outside]]"})
    code, out = run(["check", "--format", "json", str(tmp_path)], capsys)
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {
        "errors": 1, "warnings": 3, "infos": 0, "notes": 3, "cards": 0, "links": 5, "dangling": 1,
    }  # fmt: skip
    first = data["diagnostics"][0]
    assert first == {
        "file": "a.md",
        "line": 2,
        "severity": "warning",
        "code": "dangling-link",
        "message": "[[missing one]] does not match any note, alias or card",
        "target": "missing one",
    }
    assert data["diagnostics"][-1]["file"] == "sub/c.md"
    assert data["diagnostics"][-1]["code"] == "outside-vault"


def test_unknown_config_key_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {"notesite.yaml": "title: x\ntittle: typo\n", "a.md": "a"})
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "notesite.yaml:2: unknown option 'tittle'" in err


def test_sample_vault_is_clean_but_for_its_one_dangling_link(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(["check", "--format", "json", str(SAMPLE_VAULT)], capsys)
    data = json.loads(out)
    assert code == 0
    assert {(d["code"], d["target"]) for d in data["diagnostics"]} == {
        ("dangling-link", "Mixture of Depths")
    }
    assert data["summary"]["cards"] >= 30


@needs_seeds
def test_seeds_report_exactly_their_dangling_links(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["check", "--format", "json", str(SEEDS)], capsys)
    data = json.loads(out)
    dangling = sorted(
        (d["file"][:3], d["target"]) for d in data["diagnostics"] if d["code"] == "dangling-link"
    )
    assert dangling == [
        ("000", "Gradient descent"),
        ("000", "Gradient descent"),
        (
            "000",
            "October#**Reconciling modern machine-learning practice and the classical bias–variance trade-off**",
        ),
        ("000", "class-note-chapter-2"),
        ("003", "2024-04-19"),
        ("003", "2024-04-19"),
        ("003", "2024-04-25"),
        ("003", "2024-04-25"),
    ]
    others = {d["code"] for d in data["diagnostics"]} - {"dangling-link"}
    assert others == {"missing-asset"}  # yt.png and micrograd.ipynb are not in the folder
    assert code == 0 and data["summary"]["errors"] == 0


def test_runs_as_a_console_script(tmp_path: Path) -> None:
    write_vault(tmp_path, VAULT)
    done = subprocess.run(
        [sys.executable, "-m", "notesite", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "dangling-link" in done.stdout
