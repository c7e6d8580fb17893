"""`framewatch export --out DIR` writes only its own files (issue 20, point 1): a folder of someone else's
files, the warehouse's own folder or a file is refused with one line and left byte for byte as it was; an
earlier export is replaced, and a file a person added to it stays."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from framewatch.cli import app
from tests.clichecks import one_clear_line
from warehouse.db import snapshot_path
from warehouse.export_folder import MANIFEST

runner = CliRunner()


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _export(db: Path, out: Path):
    return runner.invoke(app, ["export", "--db", str(db), "--out", str(out)])


def _scores(out: Path) -> int:
    pattern = str(out / "article_scores" / "**" / "*.parquet")
    return duckdb.connect().execute("select count(*) from read_parquet(?)", [pattern]).fetchone()[0]


def test_a_folder_that_holds_other_files_is_refused_and_kept(corpus_copy, tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "notes.txt").write_text("a file the user kept here")
    result = _export(corpus_copy, keep)
    one_clear_line(result, str(keep), "not empty", "nothing was written or deleted", code=1)
    assert _tree(keep) == {"notes.txt": b"a file the user kept here"}


def test_the_warehouse_folder_is_refused_with_everything_in_it(corpus_copy, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    db = home / "fw.duckdb"
    shutil.move(corpus_copy, db)
    snapshot = snapshot_path(db)
    snapshot.parent.mkdir(parents=True)
    shutil.copyfile(db, snapshot)
    before = _tree(home)
    for out in (home, home / ".." / "home"):
        one_clear_line(_export(db, out), "not empty", "fw.duckdb", code=1)
    one_clear_line(_export(db, db), "is a file", code=1)
    assert _tree(home) == before  # the warehouse, its snapshot: untouched


def test_an_earlier_export_is_replaced_and_a_file_added_to_it_stays(corpus_copy, tmp_path):
    out = tmp_path / "pq"
    first = _export(corpus_copy, out)
    assert first.exit_code == 0, first.output
    n = _scores(out)
    assert n >= 64 and (out / MANIFEST).is_file()
    (out / "README.txt").write_text("what these files are")
    again = _export(corpus_copy, out)
    assert again.exit_code == 0, again.output
    assert _scores(out) == n  # replaced, not doubled
    assert (out / "README.txt").read_text() == "what these files are"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pq.export-")]  # staging removed
