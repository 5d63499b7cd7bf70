"""Two processes give exactly what one gives."""

from __future__ import annotations

import pytest

from notesite import workers
from notesite.config import Config
from notesite.load import load_model

from .conftest import SAMPLE_VAULT


def test_pool_and_single_process_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    one = load_model(SAMPLE_VAULT, Config(), jobs=1)
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 0)
    two = load_model(SAMPLE_VAULT, Config(), jobs=2)
    assert list(one.vault.notes) == list(two.vault.notes)
    assert one.vault.notes == two.vault.notes
    assert one.diagnostics == two.diagnostics
    assert one.resolution == two.resolution
