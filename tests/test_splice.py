"""A neighbour's title change rewrites only the side panels of the pages that list it.

The panels are rendered by their own template and fingerprinted apart from the rest
of the page, so a rebuild can put new panels into the bytes it wrote last time.
Every scenario still ends with the whole output equal to a cold build's.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import notesite.renderer as renderer
from notesite.config import load_config
from notesite.engine import Engine
from notesite.paths import VaultPath

from .test_incremental import OVERVIEW, Workspace, assert_same_site

RETITLE = ("title: Alignment overview", "title: Alignment, an overview")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many pages were rendered in full, and how many got new panels spliced in."""
    seen: Counter[str] = Counter()
    render, splice = renderer.render_page, renderer.splice_panels

    def counted_render(page: Any, *args: Any) -> Any:
        seen["render:" + page.template] += 1
        return render(page, *args)

    def counted_splice(page: Any, *args: Any) -> Any:
        seen["splice"] += 1
        return splice(page, *args)

    monkeypatch.setattr(renderer, "render_page", counted_render)
    monkeypatch.setattr(renderer, "splice_panels", counted_splice)
    return seen


def linkers_only(ws: Workspace) -> set[VaultPath]:
    """Notes that link to the overview and that it neither links to nor embeds in."""
    graph = ws.engine.understood().model.graph
    sources = {b.source for b in graph.backlinks(VaultPath(OVERVIEW))}
    return sources - set(graph.outgoing(VaultPath(OVERVIEW))) - {VaultPath(OVERVIEW)}


def test_linkers_get_new_panels_without_a_full_render(ws: Workspace, calls: Counter[str]) -> None:
    linkers = linkers_only(ws)
    assert len(linkers) >= 3
    ws.edit(OVERVIEW, lambda t: t.replace(*RETITLE, 1))
    result = ws.engine.update([OVERVIEW])
    ws.engine.finish()
    assert calls["splice"] >= len(linkers)
    assert calls["render:note.html"] <= len(ws.engine.understood().model.vault.notes) - len(linkers)
    ws.check(result)  # the whole site equals a cold build's
    urls = ws.engine.understood().model.vault.urls
    for path in linkers:
        html = (ws.out / urls[path] / "index.html").read_text(encoding="utf-8")
        panels = html[html.index('<aside class="panels"') :]
        assert "Alignment, an overview" in panels


def test_a_fresh_process_splices_too(ws: Workspace, calls: Counter[str]) -> None:
    """``notesite build`` after the edit: a full pass, yet the linkers' pages are not
    rendered again because nothing but their panels changed."""
    ws.edit(OVERVIEW, lambda t: t.replace(*RETITLE, 1))
    config = load_config(ws.vault).replace(output=str(ws.out))
    result = Engine(ws.vault, config, jobs=1).build()
    assert calls["splice"] >= len(linkers_only(ws))
    assert calls["render:note.html"] < calls["splice"]
    ws.check(result)


def test_an_output_file_edited_by_hand_is_rendered_again(
    ws: Workspace, calls: Counter[str]
) -> None:
    """Splicing needs the exact bytes the last build wrote; anything else is replaced by
    a full render, never patched."""
    urls = ws.engine.understood().model.vault.urls
    victim = ws.out / urls[sorted(linkers_only(ws))[0]] / "index.html"
    victim.write_text(victim.read_text(encoding="utf-8").replace("<main", "<!-- hi --><main"))
    ws.edit(OVERVIEW, lambda t: t.replace(*RETITLE, 1))
    ws.update(OVERVIEW)  # equals a cold build
    assert "<!-- hi -->" not in victim.read_text(encoding="utf-8")


def test_a_note_template_without_the_panels(tmp_path: Path) -> None:
    """An overriding ``note.html`` may leave the panels out (or show them twice): its
    pages are then always rendered whole, and still right."""
    ws = Workspace(tmp_path)
    override = ws.vault / "templates"
    override.mkdir()
    base = (Path(__file__).parents[1] / "templates" / "note.html").read_text(encoding="utf-8")
    twice = base.replace("{{ panels_html }}", "{{ panels_html }}{{ panels_html }}")
    (override / "note.html").write_text(twice, encoding="utf-8")
    config = load_config(ws.vault).replace(output=str(ws.out))
    ws.engine = type(ws.engine)(ws.vault, config, jobs=1)
    ws.engine.build(clean=True)
    assert not ws.engine.state.spans
    ws.edit(OVERVIEW, lambda t: t.replace(*RETITLE, 1))
    ws.update(OVERVIEW)
    cold = tmp_path / "again"
    Engine(ws.vault, config.replace(output=str(cold)), jobs=1).build(clean=True)
    assert_same_site(ws.out, cold)
