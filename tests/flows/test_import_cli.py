"""`framewatch import` end to end (real flows, real DuckDB file): one bad file or line never stops the
others, every refusal is listed with file:line and reason (and in `runs --errors`), no traceback, and the
exit status tells all stored (0), some refused (3) and nothing stored (4) apart."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from framewatch.cli import app
from tests.clichecks import one_clear_line, run_cli
from warehouse.db import connect

LONG = " ".join(["The council voted on the transit budget after a long public hearing on fares."] * 8)
runner = CliRunner()


def _articles(db: Path) -> int:
    con = connect(db, read_only=True)
    try:
        return con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.jsonl"
    good.write_text(
        "".join(
            json.dumps(
                {
                    "url": f"https://example.org/n/{i}",
                    "title": f"Transit vote {i}",
                    "text": f"Story {i}. {LONG}",
                    "outlet": "example-daily",
                    "published": ["2026-11-20", "Nov 21, 2026", "22/11/2026"][i],
                }
            )
            + "\n"
            for i in range(3)
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        json.dumps({"url": "https://example.org/n/9", "text": f"Fine. {LONG}", "outlet": "x"}).encode()
        + b"\n"
        + b'{"text": "caf\xe9", "outlet": "x"}\n'  # not UTF-8
        + b"[1,2,3]\n"  # not an object
        + json.dumps({"text": 42, "outlet": "x"}).encode()  # text is a number
        + b"\n"
        + json.dumps({"text": f"Dated. {LONG}", "outlet": "x", "published": "9999-12-31"}).encode()
        + b"\n"
    )
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    nan = tmp_path / "nan.parquet"
    pq.write_table(pa.table({"text": [float("nan")], "outlet": ["x"]}), nan)
    return {"good": good, "bad": bad, "corrupt": corrupt, "nan": nan}


def test_bad_files_and_lines_are_listed_and_the_rest_stored(prefect_harness, tmp_path, files):
    """The real command in a subprocess (on the session's Prefect API), as a user runs it."""
    db = tmp_path / "fw.duckdb"
    env = {"FRAMEWATCH_HOME": str(tmp_path / "home")}
    result = run_cli(
        "import", str(files["good"]), str(files["bad"]), str(files["corrupt"]), "--db", str(db), env=env
    )
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 3, result.output  # some rejected
    assert "some rejected: 4 of 8 records stored" in result.output
    for where in (
        "bad.jsonl:2: not_utf8",
        "bad.jsonl:3: not_an_object",
        "bad.jsonl:4: bad_text",
        "bad.jsonl:5: bad_date",
    ):
        assert where in result.output
    assert f"{files['corrupt']}: bad_file: " in result.output
    assert _articles(db) == 4

    runs = runner.invoke(app, ["runs", "--errors", "--db", str(db)])
    assert runs.exit_code == 0, runs.output
    assert "(completed, the last to finish): 5" in runs.output  # the monitor run, with its parts' failures
    assert f"import {files['bad']}:2: not_utf8: not valid UTF-8 (byte 0xe9" in runs.output
    assert f"import {files['corrupt']}: bad_file" in runs.output

    # the other two answers in this process (the same command, without a second Python start)
    again = runner.invoke(app, ["import", str(files["good"]), "--db", str(db)], env=env)
    assert again.exit_code == 0 and again.exception is None, again.output  # all stored (already there)
    assert "all stored: 3 of 3 records stored (0 new, 3 already there)" in again.output

    none = runner.invoke(app, ["import", str(files["corrupt"]), str(files["nan"]), "--db", str(db)], env=env)
    assert none.exit_code == 4 and isinstance(none.exception, SystemExit), none.output  # nothing stored
    assert "nothing stored: 2 refused, 1 of them whole files" in none.output
    assert _articles(db) == 4


def test_only_missing_files_get_one_line(tmp_path):
    result = runner.invoke(app, ["import", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "x.duckdb")])
    one_clear_line(result, "no such file", "nope.jsonl", "nothing stored", code=4)


def test_imports_name_registry_outlets_and_unknown_ones_get_their_own_row(
    prefect_harness, tmp_path, data_dir
):
    """Records naming their outlet as a domain, a display name or only by URL land on the registry outlet
    (its name and lean prior); an outlet the registry lacks gets a row named after its domain, with the
    lean the ratings file has for it. Imported `topic` fields are kept."""
    records = [
        {"url": "https://www.foxnews.com/politics/a", "outlet": "foxnews.com", "topic": "Immigration"},
        {"url": "https://example.org/b", "outlet": "Vox"},
        {"url": "https://www.reuters.com/world/c"},
        {"url": "https://www.newsbusters.org/blogs/d", "outlet": "newsbusters.org"},
        {"url": "https://blog.unrated-example.net/e"},
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "".join(
            json.dumps({**r, "title": f"T{i}", "text": f"Story {i}. {LONG}", "published": "2026-11-20"})
            + "\n"
            for i, r in enumerate(records)
        ),
        encoding="utf-8",
    )
    db = tmp_path / "fw.duckdb"
    env = {"FRAMEWATCH_HOME": str(tmp_path / "home")}
    result = runner.invoke(app, ["import", str(path), "--db", str(db)], env=env)
    assert result.exit_code == 0 and result.exception is None, result.output
    con = connect(db, read_only=True)
    try:
        got = dict(
            (title, (outlet, name, lean))
            for title, outlet, name, lean in con.execute(
                "select a.title, o.outlet_id, o.name, o.lean_prior from articles a "
                "join outlets o using (outlet_id) order by a.title"
            ).fetchall()
        )
        topics = con.execute(
            "select a.title, t.topic, t.method from article_topics t join articles a using (article_id) "
            "order by a.title"
        ).fetchall()
    finally:
        con.close()
    assert got == {
        "T0": ("foxnews.com", "Fox News", "right"),
        "T1": ("vox.com", "Vox", "left"),
        "T2": ("reuters.com", "Reuters", "center"),
        "T3": (
            "newsbusters.org",
            "newsbusters.org",
            "right",
        ),  # not in the registry; lean from the ratings file
        "T4": ("blog.unrated-example.net", "blog.unrated-example.net", None),
    }
    assert topics[0] == ("T0", "immigration", "import")  # the taxonomy tags only the others
    assert {title for title, _t, method in topics if method == "taxonomy"} == {"T1", "T2", "T3", "T4"}
