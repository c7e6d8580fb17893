"""A damaged or locked database: a clear error naming `framewatch recover`, and a recovery that moves the
file aside (never deletes it) and restores the latest snapshot."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from framewatch.cli import app
from tests.locks import lock_held
from warehouse import load
from warehouse.db import WarehouseError, connect, snapshot_path
from warehouse.recovery import recover
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
        publish_snapshot(con, snapshot_path(path))
    con.execute("checkpoint")
    con.close()


def _corrupt(path: Path) -> bytes:
    """Overwrite the file's database headers with junk (what a torn write or a bad disk leaves); the first
    block, which says it is a DuckDB file, stays."""
    data = bytearray(path.read_bytes())
    data[4096:12288] = b"\xde\xad\xbe\xef" * 2048
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
    with lock_held(db):
        with pytest.raises(WarehouseError, match="locked by another process"):
            connect(db, read_only=True)
        result = runner.invoke(app, ["recover", "--db", str(db)])
        assert result.exit_code == 1 and "nothing was moved" in result.output
        assert db.exists() and [p for p in tmp_path.iterdir() if "corrupt" in p.name] == []


def _label(aid: str, who: str) -> dict:
    from warehouse.labels_store import label_row

    return label_row(aid, who, ["Economic"], "Economic", "center", "neutral", "1.1.0", "page")


def test_recover_carries_over_labels_saved_after_the_snapshot(tmp_path):
    """Issue 13.5: labels 2 -> 0 before; now every label, undo, gold label, test-set member and queue
    entry saved after the snapshot is carried over from the labels export."""
    from warehouse import labels_export, labels_store

    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1", "2", "3"], snapshot=True)
    con = connect(db)  # labeling work after the snapshot
    labels_store.append_labels(con, [_label("1", "alice"), _label("2", "alice")])
    labels_store.append_labels(con, [_label("2", "bob")])
    labels_store.undo_last(con, "bob", "1.1.0")
    labels_store.freeze_test_set(
        con, [{"article_id": "3", "outlet_id": "a", "batch_id": "b1", "frozen_at": datetime(2026, 11, 3)}]
    )
    gold = {
        "article_id": "1",
        "frames": ["Economic"],
        "primary_frame": "Economic",
        "slant": "center",
        "tone": "neutral",
        "codebook_version": "1.1.0",
        "method": "single",
        "adjudicator": None,
        "n_annotators": 1,
        "decided_at": datetime(2026, 11, 4, 10, 0, 0, 123456),
        "note": None,
    }
    labels_store.append_gold(con, [gold])
    con.close()
    assert labels_export.export_path(db).exists()
    _corrupt(db)

    result = runner.invoke(app, ["recover", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "carried over labeling work the snapshot lacked: 4 label/undo rows, 1 gold labels" in result.output
    assert "1 test-set articles" in result.output and str(labels_export.export_path(db)) in result.output
    con = connect(db, read_only=True)
    try:
        current = {(r["article_id"], r["annotator"]) for r in labels_store.current_labels(con)}
        assert current == {("1", "alice"), ("2", "alice")}  # bob's label stays undone
        assert [r["article_id"] for r in labels_store.test_set(con)] == ["3"]
        decided = con.execute("select article_id, decided_at from gold_labels").fetchall()
        assert decided == [("1", gold["decided_at"])]  # microseconds survive the JSON round trip
    finally:
        con.close()
    again = recover(db, force=True, stamp="again")  # a second recovery adds nothing twice
    assert any("carried over" in s for s in again)
    con = connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from labels").fetchone()[0] == 4
    finally:
        con.close()


def test_recover_says_where_work_it_could_not_carry_sits(tmp_path):
    from warehouse import labels_export, labels_store

    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1"], snapshot=True)
    con = connect(db)
    labels_store.append_labels(con, [_label("1", "alice")])
    con.close()
    export = labels_export.export_path(db)
    with export.open("ab") as fh:
        fh.write(b'{"table": "labels", "row": {"label_id": "torn\n')  # a torn last line
    _corrupt(db)
    steps = recover(db, stamp="20261201T000000Z")
    assert any("1 line(s) of" in s and "line 2" in s for s in steps)
    assert any("carried over" in s and "1 label/undo rows" in s for s in steps)

    other = tmp_path / "other" / "fw.duckdb"  # no export: the damaged file is named as where work sits
    other.parent.mkdir()
    _warehouse(other, ["1"], snapshot=True)
    _corrupt(other)
    steps = recover(other, stamp="20261201T000000Z")
    aside = other.with_name("fw.duckdb.corrupt-20261201T000000Z")
    assert any(
        f"no labels export at {labels_export.export_path(other)}" in s and str(aside) in s for s in steps
    )


@pytest.mark.parametrize("kind", ["passwd", "folder", "other_duckdb", "headless"])
def test_recover_touches_nothing_that_is_not_a_damaged_warehouse(tmp_path, kind):
    """Issue 20, point 5: a copy of /etc/passwd, a folder, another DuckDB database, or a warehouse whose
    header is gone with nothing beside it to say what it was: refused in one line, nothing moved, and the
    error of any other command on it does not suggest recover; --force still moves a file aside."""
    from tests.clichecks import one_clear_line

    target = tmp_path / "target"
    if kind == "passwd":
        target.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n" * 40)
    elif kind == "folder":
        (target / "sub").mkdir(parents=True)
        (target / "sub" / "f.txt").write_text("mine")
    elif kind == "other_duckdb":
        other = duckdb.connect(str(target))
        other.execute("create table mine as select 42 as answer")
        other.close()
    else:
        _warehouse(target, ["1"], snapshot=False)
        data = bytearray(target.read_bytes())
        data[:8192] = b"\0" * 8192
        target.write_bytes(bytes(data))
    before = sorted((p.relative_to(tmp_path), p.is_file() and p.read_bytes()) for p in tmp_path.rglob("*"))
    result = runner.invoke(app, ["recover", "--db", str(target)])
    one_clear_line(result, str(target), "nothing was moved", code=1)
    if kind != "other_duckdb":
        query = runner.invoke(app, ["query", "select 1", "--db", str(target)])
        assert "framewatch recover" not in one_clear_line(query, str(target), code=1)
    assert sorted((p.relative_to(tmp_path), p.is_file() and p.read_bytes()) for p in tmp_path.rglob("*")) == (
        before
    )
    if kind != "folder":
        forced = runner.invoke(app, ["recover", "--db", str(target), "--force"])
        assert forced.exit_code == 0, forced.output
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("target.corrupt-")]  # kept aside


def test_a_damaged_warehouse_with_its_snapshot_beside_it_is_recognised(tmp_path):
    """A warehouse whose header is gone is still ours when its snapshot sits beside it: recovered."""
    db = tmp_path / "fw.duckdb"
    _warehouse(db, ["1", "2"], snapshot=True)
    data = bytearray(db.read_bytes())
    data[:8192] = b"\0" * 8192
    db.write_bytes(bytes(data))
    query = runner.invoke(app, ["query", "select 1", "--db", str(db)])
    assert f"framewatch recover --db {db}" in query.output and "its snapshot" in query.output
    result = runner.invoke(app, ["recover", "--db", str(db)])
    assert result.exit_code == 0 and "restored" in result.output, result.output
