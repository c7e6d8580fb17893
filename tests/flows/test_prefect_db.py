"""A new PREFECT_HOME starts from a copy of a database Prefect made before (flows.prefect_db): the copy is
kept once, consistent, before any flow runs; it never overwrites a database, never comes from a file that
is not a migrated Prefect database, and is left alone when Prefect uses another database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from flows import prefect_db
from tests.procs import stop_kept_server


def _migrated_db(path: Path, runs: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.execute("pragma journal_mode=wal")
    con.execute("create table alembic_version (version_num text)")
    con.execute("insert into alembic_version values ('abc123')")
    con.execute("create table flow_run (id text)")
    con.executemany("insert into flow_run values (?)", [(str(i),) for i in range(runs)])
    con.commit()
    con.close()
    return path


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", raising=False)
    return tmp_path / "cache"


def test_a_new_home_gets_the_kept_copy_and_an_existing_database_is_never_touched(tmp_path, cache):
    first = tmp_path / "first"
    _migrated_db(first / "prefect.db")
    prefect_db.keep(first, cache)
    template = prefect_db.template_path(cache)
    assert template is not None and template.parent == cache and template.is_file()
    new = tmp_path / "new"
    assert prefect_db.seed(new, cache)
    con = sqlite3.connect(new / "prefect.db")
    assert con.execute("select version_num from alembic_version").fetchone() == ("abc123",)
    con.close()
    # a home with a database keeps it, whatever the copy holds
    old = _migrated_db(tmp_path / "old" / "prefect.db", runs=3)
    assert not prefect_db.seed(old.parent, cache)
    assert sqlite3.connect(old).execute("select count(*) from flow_run").fetchone() == (3,)
    # the copy is kept once: a later database does not replace it
    _migrated_db(tmp_path / "later" / "prefect.db", runs=5)
    prefect_db.keep(tmp_path / "later", cache)
    assert sqlite3.connect(template).execute("select count(*) from flow_run").fetchone() == (0,)


def test_no_copy_from_junk_nor_for_another_database(tmp_path, cache, monkeypatch):
    template = prefect_db.template_path(cache)
    template.parent.mkdir(parents=True)
    template.write_bytes(b"not a database at all")
    assert not prefect_db.seed(tmp_path / "home", cache)
    assert not (tmp_path / "home" / "prefect.db").exists()
    template.unlink()
    _migrated_db(tmp_path / "made" / "prefect.db")
    prefect_db.keep(tmp_path / "made", cache)
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://db/prefect")
    assert not prefect_db.seed(tmp_path / "elsewhere", cache)
    assert not (tmp_path / "elsewhere").exists()


def test_a_server_on_a_fresh_copy_skips_the_checks_the_copy_has_passed(tmp_path, cache):
    """Migrations and block types are checked again on any database but a fresh copy of the template that
    has its block types (the server that made it registered them before it answered)."""
    from flows.temporary_api import SEEDED_ENV, SERVER_ENV, TemporaryAPI

    template = prefect_db.template_path(cache)
    _migrated_db(template)

    def server_env(home: Path) -> dict[str, str]:
        api = TemporaryAPI(cache)
        api.prepare_database(home)
        return api.server_env

    assert server_env(tmp_path / "a") == SERVER_ENV  # a copy without block types: they are registered
    con = sqlite3.connect(template)
    con.execute("create table block_type (id text)")
    con.execute("insert into block_type values ('process')")
    con.commit()
    con.close()
    assert server_env(tmp_path / "b") == {**SERVER_ENV, **SEEDED_ENV}  # a fresh copy that has them
    assert server_env(tmp_path / "b") == SERVER_ENV  # the same home's database, now in use: checked


def test_a_real_server_seeds_the_next_home(tmp_path):
    """The first temporary API on a new home keeps its database; the next new home starts from it and
    its runs are recorded there as usual."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["FRAMEWATCH_PREFECT_DB_CACHE"] = str(tmp_path / "cache")
    cli = str(Path(sys.executable).parent / "framewatch")
    for name in ("first", "second"):
        env["FRAMEWATCH_HOME"] = str(tmp_path / name)
        try:
            proc = subprocess.run(
                [cli, "refresh", "--db", str(tmp_path / f"{name}.duckdb")],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
        finally:
            stop_kept_server(tmp_path / name / "prefect")  # kept for a next command this test never runs
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        if name == "first":
            kept = list((tmp_path / "cache").glob("prefect-*.db"))
            assert len(kept) == 1
            con = sqlite3.connect(kept[0])
            assert con.execute("select count(*) from flow_run").fetchone() == (0,)  # kept before any run
            assert prefect_db.has_block_types(kept[0])  # the second home's server skips registering them
            con.close()
    con = sqlite3.connect(tmp_path / "second" / "prefect" / "prefect.db")
    try:
        assert con.execute(
            "select count(*) from flow_run r join flow f on f.id = r.flow_id where f.name = 'report'"
        ).fetchone() == (1,)
    finally:
        con.close()


def test_a_database_made_meanwhile_is_never_replaced(tmp_path, cache, monkeypatch):
    """Two commands on one new home: when the other one's server made the database between the check and
    the copy, the copy is dropped and that database stays."""
    _migrated_db(tmp_path / "made" / "prefect.db")
    prefect_db.keep(tmp_path / "made", cache)
    home = tmp_path / "home"
    real_copy = prefect_db._copy

    def other_server_first(source: Path, target: Path) -> bool:
        _migrated_db(target, runs=2)  # the other command's server created it just now
        return real_copy(source, target)

    monkeypatch.setattr(prefect_db, "_copy", other_server_first)
    assert not prefect_db.seed(home, cache)
    assert sqlite3.connect(home / "prefect.db").execute("select count(*) from flow_run").fetchone() == (2,)
    assert not [p for p in home.iterdir() if p.name.startswith(".prefect.db.")]  # no temporary file left
