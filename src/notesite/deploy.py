"""``notesite deploy``: build, then commit the site to ``gh-pages`` and push it.

Like ``mkdocs gh-deploy``, on top of ghp-import (which writes the commit with git
fast-import, so the working tree is never touched).  Two guards make it safe to
run from a habit: it refuses while the vault has uncommitted changes (the
published site would not match any commit) unless ``--force``, and it makes no
commit at all when the built site is byte-for-byte what the branch already has.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import ghp_import

from .build import build
from .config import Config
from .load import output_dir


class DeployError(RuntimeError):
    pass


@dataclass(frozen=True)
class Deployed:
    branch: str
    commit: str
    changed: bool
    """False when the branch already held exactly this site (no new commit)."""
    pushed: bool


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise DeployError(
            f"git {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout.strip()


def repository_of(vault: Path) -> Path:
    try:
        return Path(_git(vault, "rev-parse", "--show-toplevel"))
    except DeployError as exc:
        raise DeployError(f"{vault} is not inside a git repository; `git init` it first") from exc


def uncommitted(vault: Path, output: Path) -> list[str]:
    """Changed or untracked files of the vault, besides the built site and the cache
    (git-ignored files are not listed either)."""
    repo = repository_of(vault)
    ours = [
        p.relative_to(repo).as_posix() + "/"
        for p in (output, vault / ".notesite-cache")
        if p.is_relative_to(repo)
    ]
    status = _git(
        vault,
        "-c",
        "core.quotePath=false",
        "status",
        "--porcelain",
        "--untracked-files=all",
        "--",
        ".",
    )
    changed = [line[3:].strip('"') for line in status.splitlines() if line.strip()]
    return [p for p in changed if not any(p.startswith(o) for o in ours)]


def tree_of(repo: Path, folder: Path) -> str:
    """The git tree id ``folder``'s files would have, computed in a scratch index."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(tmp) / "index"), GIT_WORK_TREE=str(folder))
        _git(repo, "--work-tree", str(folder), "add", "--all", "--force", ".", env=env)
        return _git(repo, "write-tree", env=env)


def deploy(
    vault: Path,
    config: Config,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    push: bool = True,
    force: bool = False,
) -> Deployed:
    vault = vault.resolve()
    repo = repository_of(vault)
    if not force and (dirty := uncommitted(vault, output_dir(vault, config))):
        listed = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise DeployError(
            f"the vault has uncommitted changes ({listed}); commit them or use --force"
        )
    result = build(vault, config)
    site = result.output
    try:
        current = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{tree}}")
    except DeployError:
        current = ""
    if current and current == tree_of(repo, site):
        commit = _git(repo, "rev-parse", f"refs/heads/{branch}")
        return Deployed(branch, commit, False, False)
    source = _git(repo, "rev-parse", "--short", "HEAD") if _has_head(repo) else "uncommitted"
    text = message or f"Deploy notesite site from {source}"
    with contextlib.chdir(repo):
        try:
            ghp_import.ghp_import(
                str(site),
                mesg=text,
                remote=remote,
                branch=branch,
                push=push,
                nojekyll=True,
                cname=config.cname or None,
            )
        except ghp_import.GhpError as exc:
            raise DeployError(str(exc)) from exc
    return Deployed(branch, _git(repo, "rev-parse", f"refs/heads/{branch}"), True, push)


def _has_head(repo: Path) -> bool:
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", "HEAD")
    except DeployError:
        return False
    return True
