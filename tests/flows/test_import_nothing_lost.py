"""`framewatch import` loses nothing and mixes nothing up (issue 20, points 2-4), with the real command on a
real warehouse: a stray quote in a CSV costs its own line only, outlets that share a URL host stay apart
and keep their names, one `id` with two texts in two files is refused and named, and a record whose text
is stored already is counted the same way in the summary and in the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clichecks import run_cli
from warehouse.db import connect

BODY = "The harbour board met on Tuesday to weigh the ferry timetable and the dock fees and the new pier."


def _jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _rows(db: Path, query: str) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


@pytest.fixture()
def first_import(tmp_path: Path) -> list[Path]:
    csv = tmp_path / "stray.csv"
    lines = ["id,title,text,outlet"]
    lines += [f"c{i},Title {i},Record {i}: {BODY},csvtown" for i in range(1, 11)]
    lines[3] = f'c3,"Stray title 3,Record 3: {BODY},csvtown'  # line 4: a quote that never closes
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    alpha = _jsonl(
        tmp_path / "alpha.jsonl",
        {
            "url": "http://127.0.0.1:9/a/1",
            "outlet": "Alpha Daily",
            "title": "Alpha",
            "text": f"Alpha. {BODY}",
        },
    )
    one = _jsonl(tmp_path / "one.jsonl", {"id": "dup-1", "outlet": "idtown", "text": f"First. {BODY}"})
    uno = _jsonl(tmp_path / "uno.jsonl", {"id": "dup-1", "outlet": "idtown", "text": f"Other. {BODY}"})
    return [csv, alpha, one, uno]


def test_every_record_is_stored_or_named_and_outlets_keep_their_names(
    prefect_harness, tmp_path, first_import
):
    db = tmp_path / "fw.duckdb"
    env = {"FRAMEWATCH_HOME": str(tmp_path / "home")}
    csv, _alpha, one, uno = first_import
    first = run_cli("import", *map(str, first_import), "--db", str(db), env=env)
    assert first.exit_code == 3, first.output  # some refused, the rest stored
    assert "Traceback" not in first.output
    # 2. the stray quote costs line 4 only: lines 2-3 and 5-11 are stored, and the counts add up
    assert f"import {csv}:4: bad_csv: a quote opens a field that runs over lines 4-11" in first.output
    stored_csv = _rows(
        db,
        "select id from (select split_part(title, ' ', 2) as id from articles "
        "where outlet_id = 'csvtown') order by cast(id as int)",
    )
    assert [int(r[0]) for r in stored_csv] == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    # 4. one id, two texts, two files: the second is refused and named, with the first's file:line
    assert f"import {uno}:1: duplicate_id: id 'dup-1' was already given a different text by {one}:1" in (
        first.output
    )
    assert "some rejected: 11 of 13 records stored (11 new, 0 already there); 2 refused" in first.output

    beta = _jsonl(
        tmp_path / "beta.jsonl",
        {"url": "http://127.0.0.1:9/b/1", "outlet": "Beta Weekly", "title": "Beta", "text": f"Beta. {BODY}"},
    )
    two = _jsonl(tmp_path / "two.jsonl", {"id": "dup-1", "outlet": "idtown", "text": f"Third. {BODY}"})
    copy = _jsonl(tmp_path / "copy.jsonl", {"id": "copy-1", "outlet": "idtown", "text": f"Alpha. {BODY}"})
    second = run_cli("import", str(beta), str(two), str(copy), "--db", str(db), env=env)
    assert second.exit_code == 3, second.output
    # 3. outlets sharing a host stay apart, and the later import renames nothing
    assert _rows(
        db,
        "select a.title, o.outlet_id, o.name from articles a join outlets o using (outlet_id) "
        "where a.title in ('Alpha', 'Beta') order by 1",
    ) == [
        ("Alpha", "alpha-daily", "Alpha Daily"),
        ("Beta", "beta-weekly", "Beta Weekly"),
    ]
    # 4. the id stored from another file with another text: refused, the stored one kept
    assert (
        f"import {two}:1: duplicate_id: id 'dup-1' is already stored with a different text" in second.output
    )
    assert _rows(db, "select count(*) from articles where outlet_id = 'idtown'") == [(1,)]
    # 4. the copy of a stored text: the summary and the run say the same, and the copy is named
    assert "1 new articles" in second.output
    assert "some rejected: 2 of 3 records stored (1 new, 1 already there, 1 of them the same text" in (
        second.output
    )
    assert f"{copy}:1: the same text as article" in second.output
