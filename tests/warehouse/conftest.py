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


@pytest.fixture(scope="session")
def analyst_db(corpus_db, tmp_path_factory) -> Path:
    """The demo warehouse as an analyst reads it: corpus_db plus topics from the default taxonomy, marts
    refreshed (what the report flow does after each run)."""
    from flows.analysis.topics import assign_topics, load_taxonomy
    from warehouse.db import connect
    from warehouse.marts import refresh_marts

    path = tmp_path_factory.mktemp("analyst") / "analyst.duckdb"
    shutil.copyfile(corpus_db, path)
    con = connect(path)
    taxonomy = load_taxonomy()
    assign_topics(con, taxonomy)
    refresh_marts(con, topics_version=taxonomy.version)
    con.execute("checkpoint")
    con.close()
    return path
