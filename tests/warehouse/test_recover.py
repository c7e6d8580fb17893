"""A damaged or locked database: a clear error naming `framewatch recover`, and a recovery that moves the
file aside (never deletes it) and restores the latest snapshot."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framewatch.cli import app
from warehouse import load
from warehouse.db import SNAPSHOT_RELPATH, WarehouseError, connect, recover
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
        raw_html_z=b"z",
        extractor="test",
        extractor_version="0",
        first_run_id="r1",
        fetched_at=datetime(2026, 11, 3),
    )


def _warehouse(path: Path, ids: list[str], snapshot: bool) -> None:
    con = connect(path)
    load.insert_articles(con, [_article(i) for i in ids])
    if snapshot:
        publish_snapshot(con, path.parent / SNAPSHOT_RELPATH)
    con.execute("checkpoint")
    con.close()


def _corrupt(path: Path) -> bytes:
    """Overwrite the file's headers with junk (what a torn write or a bad disk leaves)."""
    data = bytearray(path.read_bytes())
    data[:8192] = b"\xde\xad\xbe\xef" * 2048
    path.write_bytes(bytes(data))
    return bytes(data)


def test_corrupted_file_gets_a_clear_error_naming_recover(tmp_path):
    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1"], snapshot=False)
    _corrupt(db)
    for read_only in (False, True):
        with pytest.raises(WarehouseError) as err:
            connect(db, read_only=read_only)
        assert f"framewatch recover --db {db}" in str(err.value)
    result = runner.invoke(app, ["query", "select 1", "--db", str(db)])
    assert result.exit_code == 1 and "framewatch recover" in result.output


def test_recover_moves_the_damaged_file_aside_and_restores_the_snapshot(tmp_path):
    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1", "2"], snapshot=True)
    con = connect(db)  # written after the snapshot: lost with the damaged file, re-collected by the next run
    load.insert_articles(con, [_article("3")])
    con.close()
    damaged = _corrupt(db)

    result = runner.invoke(app, ["recover", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "moved" in result.output and "restored" in result.output
    aside = [
        p
        for p in tmp_path.iterdir()
        if p.name.startswith("fw.duckdb.corrupt-") and not p.name.endswith(".wal")
    ]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept, byte for byte
    con = connect(db, read_only=True)
    assert [r[0] for r in con.execute("select article_id from articles order by 1").fetchall()] == ["1", "2"]
    con.close()
    connect(db).close()  # writable again: the next run can proceed


def test_recover_without_snapshot_moves_aside_and_says_what_next(tmp_path):
    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1"], snapshot=False)
    _corrupt(db)
    steps = recover(db, stamp="20261123T000000Z")
    assert (tmp_path / "fw.duckdb.corrupt-20261123T000000Z").exists() and not db.exists()
    assert any("no snapshot" in s for s in steps) and any("framewatch monitor" in s for s in steps)


def test_recover_leaves_a_healthy_file_alone(tmp_path):
    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1"], snapshot=True)
    before = db.read_bytes()
    steps = recover(db)
    assert "nothing to recover" in steps[0] and db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "corrupt" in p.name] == []


def test_locked_file_is_explained_and_never_moved(tmp_path):
    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1"], snapshot=False)
    ready = tmp_path / "ready"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, pathlib, sys, time; con = duckdb.connect(sys.argv[1]); "
                "pathlib.Path(sys.argv[2]).touch(); time.sleep(60)"
            ),
            str(db),
            str(ready),
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(WarehouseError, match="locked by another process"):
            connect(db, read_only=True)
        result = runner.invoke(app, ["recover", "--db", str(db)])
        assert result.exit_code == 1 and "nothing was moved" in result.output
        assert db.exists() and [p for p in tmp_path.iterdir() if "corrupt" in p.name] == []
    finally:
        holder.kill()
        holder.wait()
