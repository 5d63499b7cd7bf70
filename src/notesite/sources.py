"""Load stage: find the vault's files and read the notes' bytes.

Only this module and ``write`` touch the disk.  A file that cannot be read or
decoded becomes a diagnostic, never an exception: one bad file must not stop the
rest of the vault from publishing.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .diagnostics import Code, Diagnostic
from .paths import VaultPath

NOTE_SUFFIX = ".md"
# Binary files named .md are recognised by a NUL byte in their first block.
_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A note's source: its text (None when unreadable) and content hash."""

    path: VaultPath
    text: str | None
    content_hash: str
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every file the vault holds: notes to parse and attachments to link to."""

    notes: tuple[VaultPath, ...]
    assets: tuple[VaultPath, ...]


@lru_cache(maxsize=64)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?$")


def excluded(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether a vault-relative path (file or folder) matches an exclude glob."""
    return any(_glob_regex(p.strip("/")).match(path) for p in patterns)


def discover(vault: Path, exclude: tuple[str, ...] = (), skip: tuple[Path, ...] = ()) -> Inventory:
    """All notes and attachments, sorted, skipping dot-folders, excludes and ``skip``.

    ``skip`` holds folders inside the vault that are ours (the output folder), so a
    site built into the vault is never read back as attachments.
    """
    notes: list[VaultPath] = []
    assets: list[VaultPath] = []
    skipped = {os.path.realpath(p) for p in skip}
    # realpath costs a syscall per path component: only folders whose inode is that
    # of a skipped folder (or that are symlinks) need it
    inodes = {os.stat(p).st_ino for p in skipped if os.path.isdir(p)}
    stack = [""]
    while stack:
        rel = stack.pop()
        folder = vault / rel if rel else vault
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = f"{rel}/{entry.name}" if rel else entry.name
            if exclude and excluded(path, exclude):
                continue
            if entry.is_dir(follow_symlinks=False):
                suspect = entry.inode() in inodes or entry.is_symlink()
                if not (suspect and os.path.realpath(entry.path) in skipped):
                    stack.append(path)
            elif entry.is_file():
                is_note = entry.name.lower().endswith(NOTE_SUFFIX)
                (notes if is_note else assets).append(VaultPath(path))
    return Inventory(tuple(sorted(notes)), tuple(sorted(assets)))


def decode(path: VaultPath, data: bytes) -> SourceFile:
    """Bytes to text, with one diagnostic for binary, empty or badly encoded files."""
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if b"\x00" in data[:_SNIFF]:
        message = "binary file with a .md name; it is not published"
        return SourceFile(
            path, None, digest, (Diagnostic.make(path, 1, Code.UNREADABLE_FILE, message),)
        )
    try:
        text = data.decode("utf-8-sig")
        problems: tuple[Diagnostic, ...] = ()
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("utf-8-sig", errors="replace")
        message = (
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); undecodable bytes are shown as \ufffd"
        )
        problems = (Diagnostic.make(path, line, Code.INVALID_ENCODING, message),)
    if not text.strip():
        problems += (Diagnostic.make(path, 1, Code.EMPTY_FILE, "empty note"),)
    return SourceFile(path, text, digest, problems)


def read_source(vault: Path, path: VaultPath) -> SourceFile:
    try:
        data = (vault / path).read_bytes()
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        return SourceFile(
            path, None, "", (Diagnostic.make(path, 1, Code.UNREADABLE_FILE, message),)
        )
    return decode(path, data)


def excluded_path(path: str, exclude: tuple[str, ...]) -> bool:
    """Whether discovery would skip this vault path (dot-folders, exclude globs)."""
    return any(part.startswith(".") for part in path.split("/")) or excluded(path, exclude)
