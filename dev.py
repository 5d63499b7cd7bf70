#!/usr/bin/env python3
"""The two quickstart commands, for a fresh clone with only Python 3.11 and pip.

    python3 dev.py preview   # set up, build the sample vault in notes/ and serve it
    python3 dev.py test      # set up (Chromium included) and run the whole test suite
    python3 dev.py bench     # set up and run the benchmark (arguments go to benchmarks/run.py)

Set-up is idempotent: a virtual environment in ``.venv`` is created once and
re-installed only when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
CHROMIUM = Path("/usr/bin/chromium")


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str = "") -> None:
    """Create ``.venv`` and install notesite (editable) with ``extras``."""
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extras or 'base'}-{digest}"
    if stamp.exists():
        return
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", target)
    stamp.touch()


def ensure_chromium() -> None:
    """Debian's Chromium for the browser tests (Playwright's own download cannot work here)."""
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        sys.exit("dev.py: the browser tests need Debian's chromium package (apt-get not found)")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(*sudo, apt, "-qq", "update", env=env)
    run(*sudo, apt, "-qq", "install", "-y", "--no-install-recommends", "chromium", env=env)


def preview() -> None:
    ensure_venv()
    port = sys.argv[2] if len(sys.argv) > 2 else "8000"
    run(BIN / "notesite", "serve", "notes", "--port", port)


def test() -> None:
    ensure_venv("test")
    ensure_chromium()
    run(BIN / "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "benchmarks", "dev.py")
    run(BIN / "mypy")
    run(BIN / "python", "-m", "pytest", "-n", "2", "--durations=10", *sys.argv[2:])


def bench() -> None:
    ensure_venv()
    run(BIN / "python", ROOT / "benchmarks" / "run.py", *sys.argv[2:])


def main() -> None:
    commands = {"preview": preview, "test": test, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}}")
    try:
        commands[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
