"""Warehouse on real DuckDB files: migrations, idempotent loads, views, read-only queries, errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.locks import lock_held
from tests.warehouse import synthetic
from warehouse import load, predictions
from warehouse.db import (
    WarehouseError,
    connect,
    ensure_views,
    open_db,
    start_from_template,
    template_key,
    views_fingerprint,
)
from warehouse.marts import refresh_marts
from warehouse.queries import outlet_comparison, run_readonly, run_summary
from warehouse.sqlfiles import migrations


def article(aid: str, outlet: str = "a", text: str = "body", published: date | None = date(2026, 11, 2)):
    return dict(
        article_id=aid,
        outlet_id=outlet,
        url=f"https://x.example/{aid}",
        canonical_url=None,
        normalized_url=f"https://x.example/{aid}",
        feed_url=None,
        title=f"t{aid}",
        byline=None,
        published=published,
        language="en",
        text=text,
        content_hash=f"h{aid}",
        raw_html_z=b"z",
        extractor="test",
        extractor_version="0",
        first_run_id="r1",
        fetched_at=datetime(2026, 11, 3),
    )


def prediction(aid: str, version: str, frames: list[str], slant: str = "left", tone: float = 0.1):
    return synthetic.prediction(aid, version, frames, slant, tone, scored_at=datetime(2026, 11, 3))


def test_migrations_are_recorded_and_applied_once(tmp_path):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    versions = [r[0] for r in con.execute("select version from schema_migrations").fetchall()]
    assert versions == [v for v, _sql in migrations()] and versions[0] == "001_init"
    con.close()
    con = connect(path)  # second open applies nothing new
    assert con.execute("select count(*) from schema_migrations").fetchone()[0] == len(versions)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"outlets", "feeds", "articles", "predictions", "runs", "run_errors", "models"} <= tables
    assert {"frame_share_weekly", "outlet_summary", "article_scores", "current_predictions"} <= tables


def test_views_are_recreated_only_when_their_files_changed_or_one_is_missing(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    connect(db).close()  # the first open creates every view and keeps the files' fingerprint
    con = connect(db)
    try:
        names = {
            r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()
        }
        assert {"frame_share", "outlet_summary", "current_predictions"} <= names
        assert con.execute("select fingerprint, n_views from view_state").fetchall() == [
            (views_fingerprint(), len(names))
        ]
        assert not ensure_views(con)  # same files, every view there: nothing to do
        con.execute("drop view frame_share")
        assert ensure_views(con)  # a missing view brings them all back
        assert con.execute("select count(*) from frame_share").fetchone() == (0,)
        assert ensure_views(con, migrated=True)  # a migration was applied: recreated
        monkeypatch.setattr("warehouse.db.views_fingerprint", lambda: "other view files")
        assert ensure_views(con) and not ensure_views(con)  # changed files: recreated once
        assert con.execute("select fingerprint from view_state").fetchall() == [("other view files",)]
    finally:
        con.close()


def _schema(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "migrations": con.execute("select version from schema_migrations order by 1").fetchall(),
            "tables": con.execute(
                "select table_name, column_name, data_type from information_schema.columns order by all"
            ).fetchall(),
            "views": con.execute(
                "select view_name, sql from duckdb_views() where not internal order by 1"
            ).fetchall(),
            "view_state": con.execute("select fingerprint, n_views from view_state").fetchall(),
        }
    finally:
        con.close()


def test_a_new_warehouse_copied_from_the_template_is_the_one_built_from_the_files(tmp_path, monkeypatch):
    """A new file starts as a copy of the process's empty warehouse: the same migrations, tables, columns,
    views and view fingerprint as a file migrated and given its views on the spot; an existing file is
    never replaced; a template that cannot be built leaves the open to create the file itself."""
    connect(tmp_path / "warm.duckdb").close()  # this process's template exists from here on
    copied = tmp_path / "copied.duckdb"
    connect(copied).close()
    monkeypatch.setattr("warehouse.db.start_from_template", lambda path: False)
    built = tmp_path / "built.duckdb"
    connect(built).close()
    monkeypatch.undo()
    assert _schema(copied) == _schema(built) and _schema(built)["views"]

    con = connect(copied)
    load.insert_articles(con, [article("1")])
    con.close()
    assert not start_from_template(copied)  # a file is there: left as it is
    con = connect(copied, read_only=True)
    assert con.execute("select count(*) from articles").fetchone() == (1,)
    con.close()

    # a staging file by this process's name, left by a killed run, is neither used nor removed
    import os
    import threading

    stale = tmp_path / f".late.duckdb.{os.getpid()}.{threading.get_ident()}.new"
    stale.write_bytes(b"left by a killed run")
    assert not start_from_template(tmp_path / "late.duckdb") and stale.read_bytes() == b"left by a killed run"
    connect(tmp_path / "late.duckdb").close()  # the open creates the file itself
    assert _schema(tmp_path / "late.duckdb") == _schema(built)
    stale.unlink()

    monkeypatch.chdir(tmp_path)  # DuckDB's in-memory database stays without a file
    before = set(tmp_path.iterdir())
    memory = connect(":memory:")
    assert memory.execute("select count(*) from articles").fetchone() == (0,)
    memory.close()
    assert not start_from_template(Path(":memory:")) and set(tmp_path.iterdir()) == before

    # changed schema files make another template; one that fails to build copies nothing
    key = template_key()
    monkeypatch.setattr("warehouse.db.migrations", lambda: [*migrations(), ("999_broken", "create tabel x;")])
    assert template_key() != key
    broken = tmp_path / "broken.duckdb"
    assert not start_from_template(broken) and not broken.exists()
    with pytest.raises(duckdb.Error):
        connect(broken)  # the open's own error, as without a template


def test_a_process_killed_after_making_a_warehouse_leaves_no_template_behind(tmp_path):
    """The template is read into memory and its temporary folder removed while it is built: a command
    killed with SIGKILL (no exit handler runs) leaves nothing in the temp folder, where a template folder
    kept until exit stayed behind, one per killed process."""
    import os
    import signal
    import subprocess
    import sys

    temp = tmp_path / "tmp"
    temp.mkdir()
    code = (
        "import sys, time\n"
        "from warehouse.db import connect\n"
        "connect(sys.argv[1]).close()\n"
        "print('made', flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "new.duckdb")],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "made"  # waits on the line, not on a clock
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=120)
        proc.stdout.close()
    assert (tmp_path / "new.duckdb").exists() and _schema(tmp_path / "new.duckdb")["views"]
    assert list(temp.iterdir()) == []


def test_articles_insert_is_idempotent(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    assert load.insert_articles(con, [article("1"), article("2"), article("1")]) == ["1", "2"]
    assert load.insert_articles(con, [article("1"), article("3")]) == ["3"]
    assert con.execute("select count(*) from articles").fetchone()[0] == 3


def test_views_use_only_the_current_model(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(con, [{"outlet_id": "a", "name": "Alpha", "lean_prior": "left"}])
    load.insert_articles(con, [article("1"), article("2", published=date(2026, 11, 9))])
    load.register_model(con, "v1", "baseline", {})
    predictions.insert_predictions(
        con, [prediction("1", "v1", ["Economic"]), prediction("2", "v1", ["Economic"])]
    )
    load.register_model(con, "v2", "baseline", {})
    predictions.insert_predictions(
        con,
        [prediction("1", "v2", ["Crime and punishment", "Political"]), prediction("2", "v2", ["Political"])],
    )
    refresh_marts(con)
    rows = con.execute(
        "select week, frame, n_with_frame, n_articles, round(share, 4) from frame_share_weekly "
        "where n_with_frame > 0 order by week, frame"
    ).fetchall()
    assert rows == [
        (date(2026, 11, 2), "Crime and punishment", 1, 1, 0.9),
        (date(2026, 11, 2), "Political", 1, 1, 0.9),
        (date(2026, 11, 9), "Political", 1, 1, 0.9),
    ]
    # every frame has an estimate (the mean probability), not only the frames over a threshold
    assert con.execute("select count(distinct frame) from frame_share_weekly").fetchone()[0] == 15
    # predictions are append-only: v1 rows are still there
    assert con.execute("select count(*) from predictions where model_version = 'v1'").fetchone()[0] == 2
    cols, table = outlet_comparison(con)
    assert table[0][cols.index("articles")] == 2
    assert table[0][cols.index("top_frames")].startswith("Political 90%")


def test_query_is_read_only(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_db(path) as con:
        load.insert_articles(con, [article("1")])
    cols, rows = run_readonly(path, "select count(*) as n from articles")
    assert (cols, rows) == (["n"], [(1,)])
    with pytest.raises(WarehouseError, match="read-only"):
        run_readonly(path, "delete from articles")
    assert run_readonly(path, "select count(*) from articles")[1] == [(1,)]


def test_missing_and_corrupt_files_get_clear_errors(tmp_path):
    with pytest.raises(WarehouseError, match="framewatch demo"):
        run_readonly(tmp_path / "absent.duckdb", "select 1")
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(WarehouseError, match="not a framewatch warehouse") as err:
        connect(bad)
    assert "framewatch recover" not in str(err.value)  # recover is for damaged warehouses, never for any file
    assert bad.read_bytes().startswith(b"this is not a database")  # nothing destroyed


def test_runs_record_counts_and_errors(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.start_run(con, "r1", "monitor", {"x": 1})
    load.finish_run(
        con,
        "r1",
        "completed",
        {"articles_new": 3},
        [{"stage": "feed", "source": "http://127.0.0.1:9/feed.xml", "reason": "connect_error"}],
    )
    summary = run_summary(con, "r1")
    assert summary["status"] == "completed"
    assert summary["errors"] == [
        {"stage": "feed", "source": "http://127.0.0.1:9/feed.xml", "reason": "connect_error", "detail": None}
    ]


def test_locked_database_error_names_what_to_do(tmp_path):
    """A second process cannot open a file another process writes; the error says what to do."""
    path = tmp_path / "w.duckdb"
    connect(path).close()
    with lock_held(path), pytest.raises(WarehouseError, match="locked"):
        connect(path, read_only=True)
    assert isinstance(connect(path, read_only=True), duckdb.DuckDBPyConnection)
