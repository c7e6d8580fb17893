"""Warehouse fixtures: a real DuckDB file from the demo corpus (+ seeds when present), stories grouped
once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.warehouse.corpus import build_corpus_db


def _seeds() -> Path | None:
    from flows.demo import seeds_dir

    return seeds_dir()


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """The demo corpus with writer-intended predictions; stories grouped with the local MiniLM model."""
    from flows.analysis.stories import update_stories
    from warehouse.db import connect

    path = build_corpus_db(tmp_path_factory.mktemp("corpus") / "corpus.duckdb", _seeds())
    con = connect(path)
    update_stories(con)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture()
def corpus_copy(corpus_db, tmp_path) -> Path:
    """A private copy a test may write to."""
    dest = tmp_path / "copy.duckdb"
    shutil.copyfile(corpus_db, dest)
    return dest
