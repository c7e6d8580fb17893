"""Analysts read a published snapshot (or Parquet) while the writer holds the warehouse."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from warehouse.db import WarehouseError, connect
from warehouse.marts import marts_fresh
from warehouse.snapshot import export_parquet, publish_snapshot

REPO = Path(__file__).resolve().parents[2]


def _count(path, sql_text):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql_text).fetchone()[0]
    finally:
        con.close()


@pytest.mark.usefixtures("corpus_seeds")  # Fox News is a seed's outlet
def test_snapshot_is_readable_while_a_run_writes(corpus_copy, tmp_path):
    n_outlets = _count(corpus_copy, "select count(*) from outlet_summary")  # 8 demo outlets (+2 with seeds)
    assert n_outlets >= 8
    snap = publish_snapshot(corpus_copy, tmp_path / "snapshots")
    assert snap.name == f"{corpus_copy.stem}-latest.duckdb"  # named after its warehouse
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys
            from warehouse import load
            from warehouse.db import connect
            con = connect({str(corpus_copy)!r})
            con.execute("begin transaction")
            load.start_run(con, "run-writing", "monitor", {{}})
            print("writing", flush=True)
            sys.stdin.read()  # a run mid-write until the test closes our stdin: no clock involved
            con.execute("commit")
            con.close()
            print("committed", flush=True)
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"  # waits as long as start-up takes
        with pytest.raises(WarehouseError, match="snapshot"):
            connect(corpus_copy, read_only=True)  # the main file is locked, the error points to the snapshot
        con = duckdb.connect(str(snap), read_only=True)
        assert con.execute("select count(*) from outlet_summary").fetchone()[0] == n_outlets
        assert (
            con.execute("select count(*) from story_comparison where outlet = 'Fox News'").fetchone()[0] == 1
        )
        assert marts_fresh(con)  # the snapshot carries marts refreshed with everything stored
        con.close()
        assert writer.poll() is None  # the writer was writing all along
    finally:
        writer.stdin.close()
        assert writer.stdout.read().strip() == "committed"
        writer.wait(timeout=300)
    assert writer.returncode == 0
    assert _count(corpus_copy, "select count(*) from runs where run_id = 'run-writing'") == 1


def test_publish_replaces_atomically(corpus_copy, tmp_path):
    n_articles = _count(corpus_copy, "select count(*) from articles")  # 64 demo articles (+2 seeds)
    assert n_articles >= 64
    first = publish_snapshot(corpus_copy, tmp_path / "snap.duckdb")
    reader = duckdb.connect(str(first), read_only=True)  # an analyst keeps the old one open
    second = publish_snapshot(corpus_copy, tmp_path / "snap.duckdb")
    assert reader.execute("select count(*) from articles").fetchone()[0] == n_articles
    reader.close()
    assert second == first and not list(tmp_path.glob(".snapshot-*"))


def test_export_parquet_is_partitioned(corpus_copy, tmp_path):
    n_scored = _count(corpus_copy, "select count(*) from article_scores")
    assert n_scored >= 64
    out = export_parquet(corpus_copy, tmp_path / "pq")
    parts = sorted(
        p.relative_to(out / "article_scores").parts[:2] for p in (out / "article_scores").rglob("*.parquet")
    )
    assert ("month=2026-10-01", "outlet_id=metro-wire") in parts
    con = duckdb.connect()
    n = con.execute(
        "select count(*) from read_parquet(?, hive_partitioning = true)",
        [str(out / "article_scores" / "**" / "*.parquet")],
    ).fetchone()[0]
    assert n == n_scored
    assert (out / "outlet_summary.parquet").exists() and (out / "story_comparison.parquet").exists()
    assert (out / "story_blindspots.parquet").exists() and (out / "frame_lift.parquet").exists()
    export_parquet(corpus_copy, tmp_path / "pq")  # re-export replaces the folder


def test_each_warehouse_has_its_own_snapshot_readable_by_other_analysts(tmp_path):
    """The flow and `framewatch snapshot` write the same file, named after its warehouse, mode 0644."""
    import os
    import stat

    from typer.testing import CliRunner

    from flows.params import ReportParams
    from flows.report_state import snapshot_target
    from framewatch.cli import app
    from warehouse.db import connect, snapshot_path

    paths = []
    for name in ("one", "two"):  # two warehouses in one folder
        db = tmp_path / f"{name}.duckdb"
        connect(db).close()
        result = CliRunner().invoke(app, ["snapshot", "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert snapshot_target(str(db), ReportParams()) == snapshot_path(db)  # the flow's path
        paths.append(snapshot_path(db))
        assert str(snapshot_path(db)) in result.output.replace("\n", "")
    assert paths[0] != paths[1] and all(p.exists() for p in paths)
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o644 for p in paths)
