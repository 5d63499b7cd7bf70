"""The persistent build cache in ``<vault>/.notesite-cache/`` (git-ignored by itself).

Two files: ``notes.pkl`` holds every parsed note (keyed by path, checked by
content hash; written while a cold build parses, see ``NotesFile``) and
``state-<output>.pkl`` the small part: file stamps, the digest
of every page's inputs and of every output file.  A warm build with nothing
changed reads only the small file.  Any mismatch of notesite, parser, config or
template version, or a damaged file, simply means a cold build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostics import Diagnostic
from .model import Note
from .paths import VaultPath
from .sources import SourceFile, read_source

CACHE_DIR = ".notesite-cache"


class Stamp(NamedTuple):
    size: int
    mtime_ns: int
    digest: str


@dataclass
class State:
    key: str = ""
    """Fingerprint of notesite, parser, config and templates the cache was built with."""
    stamps: dict[VaultPath, Stamp] = field(default_factory=dict)
    assets: tuple[VaultPath, ...] = ()
    git_head: str = ""
    digests: dict[str, str] = field(default_factory=dict)
    """Page URL -> digest of the page's inputs."""
    manifest: dict[str, str] = field(default_factory=dict)
    """Output file -> digest of its bytes (or its source's stamp, for copies)."""
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Note page URL -> where its side panels are in its bytes."""
    diagnostics: tuple[Diagnostic, ...] = ()
    summary: dict[str, int] = field(default_factory=dict)
    """Counts reported after a build (notes, cards, links, dangling)."""

    def outputs_intact(self, output: Path) -> bool:
        """The last build's pages are recorded and every file it wrote is still there."""
        if not self.manifest or not self.digests:
            return False
        return all(os.path.exists(output / rel) for rel in self.manifest)


def model_fingerprint() -> str:
    """The shape of the cached records: a changed field invalidates old caches."""
    import dataclasses

    from . import model

    shapes = []
    for name in sorted(dir(model)):
        cls = getattr(model, name)
        if dataclasses.is_dataclass(cls):
            shapes.append((name, [(f.name, str(f.type)) for f in dataclasses.fields(cls)]))
        elif isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields"):
            shapes.append((name, list(cls.__annotations__.items())))
    return hashlib.blake2b(repr(shapes).encode(), digest_size=6).hexdigest()


def cache_dir(root: Path) -> Path:
    path = root / CACHE_DIR
    path.mkdir(exist_ok=True)
    ignore = path / ".gitignore"
    if not ignore.exists():  # the cache never belongs in the user's repository
        ignore.write_text("*\n", encoding="utf-8")
    return path


def _state_file(root: Path, output: Path) -> Path:
    key = hashlib.blake2b(str(output).encode(), digest_size=6).hexdigest()
    return root / CACHE_DIR / f"state-{key}.pkl"


# what reading a damaged, truncated or outdated pickle raises
_DAMAGED = (
    OSError,
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    TypeError,
    ValueError,
)


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except _DAMAGED:
        return None


def _save(path: Path, data: object) -> None:
    temp = path.with_name(path.name + ".tmp")
    with temp.open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)


def _unsaved_file(root: Path, output: Path) -> Path:
    return _state_file(root, output).with_suffix(".unsaved")


def mark_unsaved(root: Path, output: Path) -> None:
    """The output is about to change ahead of the saved state (``serve`` saves it when
    it stops): until then, the state's record of what the files hold is not trusted."""
    cache_dir(root)
    _unsaved_file(root, output).touch()


def load_state(root: Path, output: Path, key: str) -> State:
    state = _load(_state_file(root, output))
    if not isinstance(state, State) or state.key != key:
        return State(key=key)
    if any(not hasattr(state, f.name) for f in fields(State)):
        return State(key=key)  # written by a version whose state had fewer fields
    if _unsaved_file(root, output).exists():
        # the last writer stopped without saving (killed, say): its files may be
        # newer or half-written, so every one is made again; the manifest keeps
        # naming them, for the ones no longer made to be removed
        state.digests.clear()
        state.spans.clear()
        state.manifest = dict.fromkeys(state.manifest, "")
    return state


def load_notes(root: Path, key: str) -> tuple[dict[VaultPath, Note], dict[VaultPath, SourceFile]]:
    """The notes a ``NotesFile`` stored under parser ``key``: none if the key differs
    or the file is damaged or unfinished."""
    notes: dict[VaultPath, Note] = {}
    try:
        with (root / CACHE_DIR / "notes.pkl").open("rb") as f:
            if pickle.load(f) != ("notes", key):
                return {}, {}
            while isinstance(item := pickle.load(f), list):
                notes.update((note.path, note) for note in item)
    except _DAMAGED:
        return {}, {}
    if not (isinstance(item, tuple) and len(item) == 2 and item[0] == "end"):
        return {}, {}
    return dict(sorted(notes.items())), item[1]


class NotesFile:
    """``notes.pkl``, written as notes are parsed: a header, each batch of notes as
    the parse worker pickled it to send it (so the builder never pickles them
    again), and the unreadable files last.  The old file stays until ``finish``."""

    def __init__(self, root: Path, key: str) -> None:
        self.path = cache_dir(root) / "notes.pkl"
        self.temp = self.path.with_name("notes.pkl.tmp")
        self.file = self.temp.open("wb")
        self.count = 0  # notes written so far
        pickle.dump(("notes", key), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def add(self, batch: bytes, count: int) -> None:
        """A pickled list of ``count`` notes."""
        self.file.write(batch)
        self.count += count

    def write(self, notes: list[Note]) -> None:
        """Notes to pickle here, straight into the file (the pickle of 50,000 notes
        would be 550 MB of bytes)."""
        pickle.dump(notes, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(notes)

    def finish(self, unreadable: dict[VaultPath, SourceFile]) -> None:
        pickle.dump(("end", unreadable), self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.file.close()
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        self.file.close()
        self.temp.unlink(missing_ok=True)


def save_notes(
    root: Path,
    notes: dict[VaultPath, Note],
    unreadable: dict[VaultPath, SourceFile],
    parser_key: str,
) -> None:
    stream = NotesFile(root, parser_key)
    stream.write(list(notes.values()))
    stream.finish(unreadable)


def save(
    root: Path,
    output: Path,
    state: State,
    notes: dict[VaultPath, Note] | None,
    unreadable: dict[VaultPath, SourceFile],
    parser_key: str = "",
) -> None:
    """Store the state, and the notes when they changed (``None``: unchanged)."""
    if notes is not None:
        save_notes(root, notes, unreadable, parser_key)
    _save(_state_file(root, output), state)
    _unsaved_file(root, output).unlink(missing_ok=True)


def compare_stamps(
    root: Path, notes: Iterable[VaultPath], stamps: dict[VaultPath, Stamp]
) -> tuple[list[SourceFile], set[VaultPath], bool]:
    """The notes whose bytes changed since their stamps (size, modification time,
    content hash) were taken, and the stamped notes that are gone; ``stamps`` is
    updated, and the flag says whether any stamp changed."""
    changed: list[SourceFile] = []
    paths = list(notes)
    current = set(paths)
    touched = False
    for path in paths:
        try:
            stat = os.stat(root / path)
        except OSError:
            current.discard(path)
            continue
        old = stamps.get(path)
        if old is not None and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
            continue
        source = read_source(root, path)
        stamps[path] = Stamp(stat.st_size, stat.st_mtime_ns, source.content_hash)
        touched = True
        if old is None or old.digest != source.content_hash:
            changed.append(source)
    removed = set(stamps) - current
    for path in removed:
        del stamps[path]
    return changed, removed, touched
