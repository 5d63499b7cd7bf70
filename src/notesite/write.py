"""Write stage: put the site on disk, touching only what changed.

A file whose bytes did not change is not rewritten (so rsync, git and browsers see
no change, and a warm build does almost no I/O).  Files a previous build wrote and
this one no longer produces are removed; nothing else in the output folder is
ever deleted.  Writes go through a temporary file and a rename, so a server
reading the folder never sees half a page.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MANIFEST_VERSION = 1


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


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.notesite-tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def _load_manifest(path: Path | None) -> dict[str, str]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("version") != MANIFEST_VERSION:
        return {}
    return dict(data.get("files", {}))


def write_site(
    output: Path,
    files: dict[str, bytes],
    copies: dict[str, Path],
    manifest: Path | None,
    clean: bool = False,
) -> WriteStats:
    """Write ``files`` (bytes) and ``copies`` (source files) under ``output``."""
    previous = _load_manifest(manifest)
    current: dict[str, str] = {}
    written = unchanged = 0
    for rel in sorted(files):
        data = files[rel]
        digest = _digest(data)
        current[rel] = digest
        target = output / rel
        if not clean and _same(target, previous.get(rel), digest, data):
            unchanged += 1
            continue
        _atomic_write(target, data)
        written += 1
    for rel in sorted(copies):
        source = copies[rel]
        stat = source.stat()
        key = f"copy:{stat.st_size}:{stat.st_mtime_ns}"
        current[rel] = key
        target = output / rel
        if not clean and previous.get(rel) == key and target.is_file():
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.notesite-tmp")
        shutil.copyfile(source, temp)
        os.replace(temp, target)
        written += 1
    removed = _remove_stale(output, set(previous) - set(current))
    if manifest is not None:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": MANIFEST_VERSION, "files": current}
        _atomic_write(manifest, json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    return WriteStats(written, unchanged, removed)


def _same(target: Path, recorded: str | None, digest: str, data: bytes) -> bool:
    if recorded is not None:
        return recorded == digest and target.is_file()
    try:  # no manifest (first build, or cache wiped): compare with what is there
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _remove_stale(output: Path, stale: set[str]) -> int:
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
