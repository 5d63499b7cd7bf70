"""Two processes give exactly what one gives, and helper processes behave."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from notesite import publish, workers
from notesite.build import build
from notesite.config import Config, load_config
from notesite.diagnostics import Code
from notesite.helpers import HelperError, Helpers
from notesite.live import LiveEngine
from notesite.load import load_model
from notesite.templates import default_templates

from .conftest import SAMPLE_VAULT


def test_pool_and_single_process_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    one = load_model(SAMPLE_VAULT, Config(), jobs=1)
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 0)
    two = load_model(SAMPLE_VAULT, Config(), jobs=2)
    assert list(one.vault.notes) == list(two.vault.notes)
    assert one.vault.notes == two.vault.notes
    assert one.diagnostics == two.diagnostics
    assert one.resolution == two.resolution


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_render_helpers_write_what_one_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages rendered by a helper process (received pickled) and by the builder are
    the same bytes as a one-process build's, template failures included: the
    helper's are reported like the builder's, and the rest of the site is built."""
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, vault, ignore=shutil.ignore_patterns(".notesite-cache"))
    (vault / "templates").mkdir()
    (vault / "templates/card.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ card.nosuch.attr }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    one = build(vault, load_config(vault).replace(output=str(tmp_path / "one")), jobs=1)
    sent: list[int] = []
    here: list[int] = []
    submit, run = Helpers.submit, publish.run

    def counted_submit(self: Helpers, output: Any, tasks: list[Any]) -> int:
        sent.append(len(tasks))
        return submit(self, output, tasks)

    def counted_run(output: Any, tasks: list[Any]) -> Any:
        here.append(len(tasks))
        return run(output, tasks)

    monkeypatch.setattr(Helpers, "submit", counted_submit)
    monkeypatch.setattr(publish, "run", counted_run)
    monkeypatch.setattr(publish, "PARALLEL_MIN", 0)
    monkeypatch.setattr(publish, "BACKLOG", 10**6)  # every page goes to the helper
    two = build(vault, load_config(vault).replace(output=str(tmp_path / "two")), jobs=2)
    assert sum(sent) == two.pages and not here  # a cold build: every page is a task
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert one.diagnostics == two.diagnostics
    errors = [d for d in two.diagnostics if d.code == Code.TEMPLATE_ERROR]
    assert len(errors) == 1 and errors[0].file.endswith("templates/card.html")
    assert errors[0].line == 3 and "more pages" in errors[0].message


def test_a_helper_that_dies_stops_the_build_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit = Helpers.submit

    def killing_submit(self: Helpers, output: Any, tasks: list[Any]) -> int:
        for process in self.processes:
            process.kill()
        return submit(self, output, tasks)

    monkeypatch.setattr(Helpers, "submit", killing_submit)
    monkeypatch.setattr(publish, "PARALLEL_MIN", 0)
    config = load_config(SAMPLE_VAULT).replace(output=str(tmp_path / "out"))
    with pytest.raises(HelperError, match="died"):
        build(SAMPLE_VAULT, config, jobs=2)


SCRIPT = """
import sys
from pathlib import Path

from notesite import publish
from notesite.build import build
from notesite.config import load_config
from notesite.helpers import Helpers

with open(sys.argv[3], "a") as runs:  # once per run of this file's top level
    runs.write("ran\\n")
publish.PARALLEL_MIN = 0
submitted = []
submit = Helpers.submit
Helpers.submit = lambda self, output, tasks: submitted.append(1) or submit(self, output, tasks)
vault = Path(sys.argv[1])
result = build(vault, load_config(vault).replace(output=sys.argv[2]), jobs=2)
print(len(submitted), result.pages)
"""


def test_a_script_without_a_main_guard_is_not_run_again_by_the_helpers(tmp_path: Path) -> None:
    """multiprocessing runs a calling script again in each new process unless told
    not to; the helpers are started without it."""
    script, runs = tmp_path / "script.py", tmp_path / "runs.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    args = [sys.executable, str(script), str(SAMPLE_VAULT), str(tmp_path / "out"), str(runs)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    submitted, pages = map(int, done.stdout.split())
    assert submitted > 0 and pages > 50
    assert runs.read_text(encoding="utf-8") == "ran\n"
    assert (tmp_path / "out/index.html").is_file()


def test_a_live_engine_keeps_its_helpers_and_they_follow_template_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve's engine keeps its render helpers between updates (their templates stay
    compiled), and a template change reaches them: every update equals a cold
    build, with every page rendered by a helper."""
    monkeypatch.setattr(publish, "PARALLEL_MIN", 0)
    monkeypatch.setattr(publish, "BACKLOG", 10**6)  # every page goes to the helpers
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, vault, ignore=shutil.ignore_patterns(".notesite-cache"))
    out = tmp_path / "out"
    # an override there from the start: the template search path stays the same
    (vault / "templates").mkdir()
    base = (default_templates() / "base.html").read_text(encoding="utf-8")
    (vault / "templates/base.html").write_text(base, encoding="utf-8")
    engine = LiveEngine(vault, load_config(vault).replace(output=str(out)), jobs=2)
    try:
        engine.build(clean=True)
        engine.understood()
        first = engine._helpers
        assert first is not None and not first.closed
        pids = [p.pid for p in first.processes]

        def same_as_cold() -> None:
            cold = tmp_path / "cold"
            shutil.rmtree(cold, ignore_errors=True)
            build(vault, load_config(vault).replace(output=str(cold)), jobs=1)
            assert _files(out) == _files(cold)

        note = vault / "topics/Alignment overview.md"
        note.write_text(
            note.read_text(encoding="utf-8").replace(
                "title: Alignment overview", "title: Alignment, an overview", 1
            ),
            encoding="utf-8",
        )
        engine.update(["topics/Alignment overview.md"])
        engine.finish()
        same_as_cold()
        (vault / "templates/base.html").write_text(
            base.replace("<body", "<body data-theme-test", 1), encoding="utf-8"
        )
        engine.reload_templates()
        engine.finish()
        same_as_cold()
        assert b"data-theme-test" in (out / "index.html").read_bytes()
        assert engine._helpers is first and [p.pid for p in first.processes] == pids
    finally:
        engine.close()
    assert first.closed and not any(p.is_alive() for p in first.processes)
