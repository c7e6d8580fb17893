"""The query sandbox (issue 13, point 1): each escape an attacker tried is refused with one clear line and
changes nothing; reads of the warehouse, a snapshot and Parquet under the allowed folders still work."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from framewatch.cli import app
from tests.clichecks import one_clear_line
from warehouse import load
from warehouse.db import connect, snapshot_path
from warehouse.sandbox import QueryRefused, run_query
from warehouse.snapshot import publish_snapshot

runner = CliRunner()


def _article(aid: str) -> dict:
    return dict(
        article_id=aid,
        outlet_id="a",
        url=f"https://x.example/{aid}",
        canonical_url=None,
        normalized_url=f"https://x.example/{aid}",
        feed_url=None,
        title=f"t{aid}",
        byline=None,
        published=date(2026, 11, 2),
        language="en",
        text="body",
        content_hash=f"h{aid}",
        raw_html_z=None,
        extractor="test",
        extractor_version="0",
        first_run_id="r1",
        fetched_at=datetime(2026, 11, 3),
    )


@pytest.fixture()
def warehouse(tmp_path: Path) -> dict[str, Path]:
    """A real warehouse with two articles, its published snapshot, a Parquet export under the default
    export folder, and a secret file outside every allowed folder."""
    db = tmp_path / "fw.duckdb"
    con = connect(db)
    load.insert_articles(con, [_article("1"), _article("2")])
    snapshot = publish_snapshot(con, snapshot_path(db))
    con.close()
    exports = tmp_path / "exports"
    exports.mkdir()
    duckdb.sql("select 7 as n").write_parquet(str(exports / "n.parquet"))
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("top secret")
    return {"db": db, "snapshot": snapshot, "exports": exports, "secret": secret}


def _articles(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()


def _query(w: dict[str, Path], sql: str, db: Path | None = None):
    env = {"FRAMEWATCH_QUERY_DIRS": f"{w['exports']}:{w['snapshot'].parent}"}
    return runner.invoke(app, ["query", sql, "--db", str(db or w["db"])], env=env)


def test_copy_to_the_warehouse_file_is_refused(warehouse):
    before = warehouse["db"].read_bytes()
    result = _query(warehouse, f"copy (select 1) to '{warehouse['db']}'")
    one_clear_line(result, "COPY", "framewatch export", code=1)
    assert warehouse["db"].read_bytes() == before and _articles(warehouse["db"]) == 2


def test_copy_inside_an_allowed_folder_is_refused(warehouse):
    """DuckDB's own lock lets COPY write inside an allowed folder; the statement check stops it."""
    target = warehouse["exports"] / "dump.csv"
    for sql in (f"copy articles to '{target}'", f"explain analyze copy (select 1) to '{target}'"):
        with pytest.raises(QueryRefused, match="refused"):
            run_query(warehouse["db"], sql, [warehouse["exports"]])
    with pytest.raises(QueryRefused, match="EXPORT"):
        run_query(warehouse["db"], f"export database '{warehouse['exports'] / 'x'}'", [warehouse["exports"]])
    assert sorted(p.name for p in warehouse["exports"].iterdir()) == ["n.parquet"]


def test_read_write_attach_of_the_snapshot_is_refused(warehouse):
    snap = warehouse["snapshot"]
    result = _query(warehouse, f"attach '{snap}' as s (read_only false); delete from s.articles")
    one_clear_line(result, "ATTACH", "--db", code=1)
    assert _articles(snap) == 2


def test_reading_outside_the_allowed_folders_is_refused(warehouse):
    for path in ("/etc/passwd", warehouse["secret"], f"{warehouse['exports']}/../outside/secret.txt"):
        result = _query(warehouse, f"select * from read_text('{path}')")
        one_clear_line(result, "outside the allowed folders", "FRAMEWATCH_QUERY_DIRS", code=1)
        assert "top secret" not in result.output and "root:" not in result.output


@pytest.mark.parametrize(
    "sql",
    [
        "install httpfs",
        "load httpfs",
        "set enable_external_access = true",
        "set autoinstall_known_extensions = true",
        "pragma enable_profiling",
        "create table t as select 1",
    ],
)
def test_extensions_and_settings_are_refused(warehouse, sql):
    one_clear_line(_query(warehouse, sql), "query refused", "not a read", code=1)


def test_the_connection_itself_is_locked(warehouse):
    """Lock 2 on its own: even a statement that got past the check could not reach files or extensions."""
    from warehouse.sandbox import open_sandbox

    con = open_sandbox(warehouse["db"], [warehouse["exports"]])
    try:
        settings = dict(
            con.execute(
                "select name, value from duckdb_settings() where name in ('enable_external_access', "
                "'lock_configuration', 'autoinstall_known_extensions', 'autoload_known_extensions', "
                "'access_mode')"
            ).fetchall()
        )
        assert settings == {
            "access_mode": "read_only",
            "enable_external_access": "false",
            "lock_configuration": "true",
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
        }
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")
        with pytest.raises(duckdb.PermissionException):
            con.execute("select * from read_text('/etc/passwd')")
        with pytest.raises(duckdb.Error):
            con.execute("install httpfs")
    finally:
        con.close()


def test_reads_still_work(warehouse):
    assert run_query(warehouse["db"], "select count(*) as n from articles")[1] == [(2,)]
    # the snapshot, opened with --db; and Parquet under an allowed folder
    result = _query(warehouse, "select count(*) from articles", db=warehouse["snapshot"])
    assert result.exit_code == 0 and "2" in result.output
    pq = f"select n from read_parquet('{warehouse['exports']}/*.parquet')"
    assert run_query(warehouse["db"], pq, [warehouse["exports"]]) == (["n"], [(7,)])
    # describe / show / explain of a select / several selects (the last one's rows)
    assert run_query(warehouse["db"], "show tables")[1]
    assert run_query(warehouse["db"], "explain analyze select 1")[1]
    assert run_query(warehouse["db"], "select 1; select 2 as two") == (["two"], [(2,)])


def test_default_folders_are_the_snapshots_and_the_export_folder(warehouse, monkeypatch):
    monkeypatch.chdir(warehouse["db"].parent)
    (warehouse["db"].parent / "framewatch-parquet").mkdir()
    duckdb.sql("select 3 as n").write_parquet(
        str(warehouse["db"].parent / "framewatch-parquet" / "m.parquet")
    )
    assert run_query(warehouse["db"], "select n from read_parquet('framewatch-parquet/m.parquet')")[1] == [
        (3,)
    ]
    with pytest.raises(QueryRefused, match="outside the allowed folders"):
        run_query(warehouse["db"], f"select * from read_parquet('{warehouse['exports']}/n.parquet')")
