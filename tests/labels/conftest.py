"""Fixtures for the labeling tests: a real warehouse file built from the demo corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.labels.corpus import build_warehouse
from warehouse.db import open_db


@pytest.fixture()
def warehouse(tmp_path: Path) -> tuple[Path, dict]:
    """(path, truths): a fresh warehouse with the demo corpus, a hostile article and fixture predictions."""
    path = tmp_path / "labels.duckdb"
    with open_db(path) as con:
        truths = build_warehouse(con)
    return path, truths
