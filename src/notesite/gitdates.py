"""Last-commit dates of notes, for "recent notes" when frontmatter has no ``date``.

File modification times differ between clones and would make the output
non-deterministic; a commit date is the same on every checkout of a commit.
One ``git log`` for the whole vault, so this costs one process, not one per note.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .paths import VaultPath


def commit_dates(root: Path) -> dict[VaultPath, str]:
    """``{vault path: YYYY-MM-DD}`` of each file's last commit; empty outside git."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()  # fmt: skip
        log = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-C", str(root), "log", "--format=@%cs",
             "--name-only", "--no-renames", "--", "."],
            capture_output=True, text=True, check=True, timeout=120,
            env={"GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return {}
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    dates: dict[VaultPath, str] = {}
    current = ""
    for line in log.splitlines():
        if line.startswith("@"):
            current = line[1:]
        elif line and line.startswith(prefix):
            # git log lists newest first: the first date seen for a file is its last commit
            dates.setdefault(VaultPath(line[len(prefix) :]), current)
    return dates


def git_head(root: Path) -> str:
    """The commit checked out in the vault's repository ("" outside git): dates
    from ``git log`` can change with it while no note's bytes do."""
    try:
        return subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
