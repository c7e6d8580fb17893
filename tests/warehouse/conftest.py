"""Warehouse fixtures: a real DuckDB file from the demo corpus (+ seeds when present), stories grouped
once."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.once import built_once
from tests.warehouse.corpus import build_corpus_db


def _seeds() -> Path | None:
    from flows.demo import seeds_dir

    return seeds_dir()


@pytest.fixture(scope="session")
def corpus_seeds() -> Path:
    """The seeds folder the corpus is built with (_seeds); a test that reads the seed articles from the corpus
    is skipped, with the reason, when there is none (the corpus then holds the demo outlets only)."""
    seeds = _seeds()
    if seeds is None:
        pytest.skip("seed articles not found: set FRAMEWATCH_DATA_DIR to a data folder with seeds/ beside it")
    return seeds


def _with_stories(path: Path) -> Path:
    """Stories grouped with the local MiniLM model, written to the file."""
    from flows.analysis.stories.grouping import update_stories
    from warehouse.db import connect

    con = connect(path)
    update_stories(con)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """The demo corpus with writer-intended predictions; stories grouped with the local MiniLM model."""

    def build(folder: Path) -> str:
        return _with_stories(build_corpus_db(folder / "corpus.duckdb", _seeds())).name

    folder, name = built_once(tmp_path_factory, "corpus", build)  # once per run, also under xdist
    return folder / name


@pytest.fixture()
def corpus_copy(corpus_db, tmp_path) -> Path:
    """A private copy a test may write to."""
    dest = tmp_path / "copy.duckdb"
    shutil.copyfile(corpus_db, dest)
    return dest


def _as_analysts_read_it(path: Path) -> Path:
    """Topics from the default taxonomy, marts refreshed: what the report flow does after each run."""
    from flows.analysis.topics import assign_topics, load_taxonomy
    from warehouse.db import connect
    from warehouse.marts import refresh_marts

    con = connect(path)
    taxonomy = load_taxonomy()
    assign_topics(con, taxonomy)
    refresh_marts(con, topics_version=taxonomy.version)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture(scope="session")
def analyst_db(corpus_db, tmp_path_factory) -> Path:
    """The demo warehouse as an analyst reads it: corpus_db plus topics, marts refreshed."""
    path = tmp_path_factory.mktemp("analyst") / "analyst.duckdb"
    shutil.copyfile(corpus_db, path)
    return _as_analysts_read_it(path)


STRAY_SHIFT_DAYS = 7 * 52 * 8  # eight years of weeks: the demo's autumn 2026 becomes autumn 2018
STRAY_DAY = date(2025, 7, 8)


@pytest.fixture(scope="session")
def stray_db(tmp_path_factory) -> Path:
    """The demo warehouse as if collected in autumn 2018, plus one article dated years later (July 2025,
    the date of the seed blog post): the newest article is a stray, far from the bulk of the data."""

    def build(folder: Path) -> str:
        path = folder / "stray.duckdb"
        build_corpus_db(path, None, shift_days=STRAY_SHIFT_DAYS, stray=STRAY_DAY)
        return _as_analysts_read_it(_with_stories(path)).name

    folder, name = built_once(tmp_path_factory, "stray", build)  # once per run, also under xdist
    return folder / name
