"""Write stage: put the site on disk, touching only what changed.

A file whose bytes did not change is not rewritten (so rsync, git and browsers see
no change, and a warm build does almost no I/O).  Files a previous build wrote and
this one no longer produces are removed; nothing else in the output folder is
ever deleted.  Writes go through a temporary file and a rename, so a server
reading the folder never sees half a page.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class OutputDirError(ValueError):
    pass


def check_output_dir(vault: Path, output: Path) -> None:
    """Refuse outputs that would overwrite or delete the user's notes."""
    vault, output = vault.resolve(), output.resolve()
    home = Path.home().resolve()
    if output == Path(output.anchor) or output == home:
        raise OutputDirError(f"refusing to build into {output}: pick a dedicated folder")
    if output == vault:
        raise OutputDirError(f"refusing to build into the vault itself ({vault})")
    if vault.is_relative_to(output):
        raise OutputDirError(f"refusing to build into {output}: it contains the vault {vault}")


@dataclass(frozen=True, slots=True)
class WriteStats:
    written: int
    unchanged: int
    removed: int

    def __add__(self, other: WriteStats) -> WriteStats:
        return WriteStats(
            self.written + other.written,
            self.unchanged + other.unchanged,
            self.removed + other.removed,
        )


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.notesite-tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def _overwrite(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


def write_output(
    output: Path,
    rel: str,
    data: bytes,
    recorded: str | None,
    force: bool = False,
    in_place: bool = False,
) -> tuple[str, bool]:
    """Write one output file unless its bytes are already there; ``(digest, written)``.

    A new file is written in place (nothing can be reading it yet); an existing one
    is replaced atomically, so a server never sends half a page, unless ``in_place``:
    the one server reading the output waits for the writer (``serve``).  Replacing
    costs ten times as much as overwriting on ext4 (a new file's blocks are
    allocated and flushed on rename), which a hub's thousand neighbours feel.
    """
    digest = file_digest(data)
    target = output / rel
    if not force and _same(target, recorded, digest, data):
        return digest, False
    if in_place and target.is_file():
        _overwrite(target, data)
    elif target.exists():
        _atomic_write(target, data)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return digest, True


def write_site(
    output: Path,
    files: dict[str, bytes],
    copies: dict[str, Path],
    manifest: dict[str, str],
    keep: set[str] | None,
    clean: bool = False,
) -> WriteStats:
    """Write ``files`` (bytes) and ``copies`` (source files) under ``output``.

    ``manifest`` (output path -> digest, updated in place) says what earlier builds
    wrote; files it lists that are neither produced now nor in ``keep`` (the pages,
    written elsewhere) are removed.  ``keep=None`` means a partial update: nothing
    is removed.
    """
    written = unchanged = 0
    current: set[str] = set()
    for rel in sorted(files):
        digest, wrote = write_output(output, rel, files[rel], manifest.get(rel), clean)
        manifest[rel] = digest
        current.add(rel)
        written += wrote
        unchanged += not wrote
    for rel in sorted(copies):
        source = copies[rel]
        stat = source.stat()
        key = f"copy:{stat.st_size}:{stat.st_mtime_ns}"
        current.add(rel)
        target = output / rel
        if not clean and manifest.get(rel) == key and target.is_file():
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.notesite-tmp")
        shutil.copyfile(source, temp)
        os.replace(temp, target)
        manifest[rel] = key
        written += 1
    stale = set() if keep is None else set(manifest) - current - keep
    for rel in stale:
        del manifest[rel]
    return WriteStats(written, unchanged, remove_files(output, stale))


def _same(target: Path, recorded: str | None, digest: str, data: bytes) -> bool:
    if recorded is not None:
        return recorded == digest and target.is_file()
    try:  # no manifest (first build, or cache wiped): compare with what is there
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def remove_files(output: Path, stale: Iterable[str]) -> int:
    """Delete files this tool wrote (never anything else), and folders left empty."""
    removed = 0
    for rel in sorted(stale, reverse=True):
        target = output / rel
        if target.is_file() and not target.is_symlink():
            target.unlink()
            removed += 1
            parent = target.parent
            while parent != output and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    return removed
