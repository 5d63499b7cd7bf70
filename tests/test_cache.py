"""The build cache changes how fast a build is, never what it makes.

Each test builds a copy of the sample vault with some cache (warm, partly stale,
damaged, from an older state layout) and compares every output byte with a build
that used no cache at all.
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from notesite import engine as engine_module
from notesite import workers
from notesite.cache import CACHE_DIR, NotesFile, load_notes, load_state
from notesite.config import load_config
from notesite.engine import PARSER_KEY, Engine
from notesite.live import LiveEngine
from notesite.write import file_digest, write_output

from .conftest import SAMPLE_VAULT
from .test_incremental import assert_same_site


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    copy = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, copy, ignore=shutil.ignore_patterns(CACHE_DIR))
    return copy


def build(vault: Path, out: Path, clean: bool = False) -> Engine:
    engine = Engine(vault, load_config(vault).replace(output=str(out)), jobs=1)
    engine.build(clean=clean)
    return engine


def test_notes_from_the_cache_render_the_same_bytes(vault: Path, tmp_path: Path) -> None:
    build(vault, tmp_path / "first", clean=True)
    # touch every note: stamps differ, contents do not, so parse results come from the cache
    for note in vault.rglob("*.md"):
        os.utime(note, ns=(note.stat().st_atime_ns, note.stat().st_mtime_ns + 10**9))
    shutil.rmtree(tmp_path / "first")
    build(vault, tmp_path / "first")
    build(vault, tmp_path / "fresh", clean=True)
    assert_same_site(tmp_path / "first", tmp_path / "fresh")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "older layout"])
def test_a_damaged_cache_means_a_cold_build(vault: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "out"
    engine = build(vault, out, clean=True)
    cache = vault / CACHE_DIR
    states = list(cache.glob("state-*.pkl"))
    assert (cache / "notes.pkl").is_file() and len(states) == 1
    if damage == "truncated":
        data = (cache / "notes.pkl").read_bytes()
        (cache / "notes.pkl").write_bytes(data[: len(data) // 2])
        states[0].write_bytes(states[0].read_bytes()[:100])
    elif damage == "garbage":
        (cache / "notes.pkl").write_bytes(b"not a pickle")
        states[0].write_bytes(b"\x80\x05not a pickle either")
    else:  # a state written before a field existed: its pages cannot be trusted
        state = pickle.loads(states[0].read_bytes())
        del state.__dict__["spans"]
        states[0].write_bytes(pickle.dumps(state))
        assert not load_state(vault, out, engine.key).digests
    (vault / "topics/Alignment overview.md").write_text(
        (vault / "topics/Alignment overview.md").read_text(encoding="utf-8") + "\nOne more line.\n",
        encoding="utf-8",
    )
    build(vault, out)
    build(vault, tmp_path / "fresh", clean=True)
    assert_same_site(out, tmp_path / "fresh")


def test_a_live_session_that_stops_without_saving_is_not_trusted(
    vault: Path, tmp_path: Path
) -> None:
    """``serve`` overwrites pages in place and saves its state when it stops: killed
    before that, its pages are ahead of the saved state (or half-written), and the
    next start must not take the state's word for what they hold."""
    out = tmp_path / "out"
    config = load_config(vault).replace(output=str(out))
    live = LiveEngine(vault, config, jobs=1)
    live.build(clean=True)
    note = vault / "papers/alignment/DPO.md"
    original = note.read_text(encoding="utf-8")
    note.write_text(original + "\nA sentence the killed session wrote.\n", encoding="utf-8")
    live.update(["papers/alignment/DPO.md"])
    page = out / "notes/papers/alignment/dpo/index.html"
    assert "A sentence the killed session wrote." in page.read_text(encoding="utf-8")
    page.write_bytes(page.read_bytes()[:1000])  # and it died halfway through a write
    # the writer is gone; the note is put back as it was when the state was saved
    note.write_text(original, encoding="utf-8")
    restarted = LiveEngine(vault, config, jobs=1)
    restarted.build()
    build(vault, tmp_path / "fresh", clean=True)
    assert_same_site(out, tmp_path / "fresh")
    # a session that saved is trusted: nothing to do
    restarted.save()
    again = LiveEngine(vault, config, jobs=1).build()
    assert again.rendered == 0 and again.stats.written == 0


@pytest.mark.parametrize("size", [10, 5000, 20000])
def test_a_page_overwritten_in_place_holds_exactly_the_new_bytes(tmp_path: Path, size: int) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"x" * 8000)
    data = bytes(range(256)) * (size // 256) + b"end"
    digest, written = write_output(tmp_path, "page.html", data, "old", in_place=True)
    assert written and target.read_bytes() == data and digest == file_digest(data)


def test_notes_parsed_by_workers_are_cached_as_the_workers_sent_them(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build on two processes writes the notes' cache while parsing, from the
    bytes each worker pickled to send its notes; it holds exactly the parsed notes,
    an unfinished one is no cache at all, and later builds from it are right."""
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 0)  # the sample vault is small
    batches: list[int] = []
    add = NotesFile.add

    def counted_add(self: NotesFile, batch: bytes, count: int) -> None:
        batches.append(count)
        add(self, batch, count)

    monkeypatch.setattr(NotesFile, "add", counted_add)
    out = tmp_path / "out"
    engine = Engine(vault, load_config(vault).replace(output=str(out)), jobs=2)
    engine.build(clean=True)
    assert len(batches) > 1 and sum(batches) == len(engine.notes)  # one per worker chunk
    notes, unreadable = load_notes(vault, PARSER_KEY)
    assert notes == engine.notes and list(notes) == sorted(engine.notes)
    assert unreadable == engine.unreadable
    cache = vault / CACHE_DIR / "notes.pkl"
    assert not cache.with_name("notes.pkl.tmp").exists()
    streamed = cache.read_bytes()
    # an edit, then a build from the streamed cache: only that note is parsed again
    note = vault / "topics/Alignment overview.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    parsed: list[str] = []
    parse_all = engine_module.parse_all

    def counted_parse_all(sources: list[Any], *args: Any, **kwargs: Any) -> Any:
        parsed.extend(s.path for s in sources)
        return parse_all(sources, *args, **kwargs)

    monkeypatch.setattr(engine_module, "parse_all", counted_parse_all)
    Engine(vault, load_config(vault).replace(output=str(out)), jobs=2).build()
    assert parsed == ["topics/Alignment overview.md"]
    Engine(vault, load_config(vault).replace(output=str(tmp_path / "cold")), jobs=1).build(
        clean=True
    )
    assert_same_site(out, tmp_path / "cold")
    saved = cache.read_bytes()  # saved whole after that edit, in one batch
    assert load_notes(vault, PARSER_KEY)[0].keys() == notes.keys()
    for data in (streamed, saved):  # unfinished: no cache, never a part of one
        for cut in (len(data) - 1, len(data) // 2, 40):
            cache.write_bytes(data[:cut])
            assert load_notes(vault, PARSER_KEY) == ({}, {})
