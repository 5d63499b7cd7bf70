"""Shared helpers: small vaults written to a temporary folder, and the seeds."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite.config import Config
from notesite.load import Model, load_model
from notesite.model import Note
from notesite.parse import parse_note
from notesite.paths import VaultPath
from notesite.sources import decode

REPO = Path(__file__).resolve().parents[1]
SAMPLE_VAULT = REPO / "notes"


def _seeds() -> Path:
    for candidate in (
        os.environ.get("NOTESITE_SEEDS", ""),
        REPO.parent / "shared" / "seeds",
        Path("/work/shared/seeds"),
    ):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return REPO.parent / "shared" / "seeds"


SEEDS = _seeds()
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="the user's seed notes are not on this machine"
)


def note_from(text: str, path: str = "note.md") -> Note:
    """Parse Markdown text as the note at ``path``."""
    return parse_note(decode(VaultPath(path), text.encode("utf-8")))


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Model]:
    """Write files into a fresh vault and load its model."""

    def make(files: dict[str, str | bytes], config: Config | None = None) -> Model:
        root = write_vault(tmp_path / "vault", files)
        return load_model(root, config or Config(), jobs=1)

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden expectations")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (its own browser download cannot work here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
