"""The warehouse's SQL and rows at their boundaries: shipped migrations never change (their sha256 is
recorded in warehouse/migrations/SHA256SUMS), SQL files are split into statements by DuckDB's own parser,
and a row with a key its table does not have is refused, not silently cut."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

import pytest

from warehouse import load
from warehouse.db import connect
from warehouse.schema import arrow_rows
from warehouse.sqlfiles import MIGRATIONS_DIR, SQL_DIR, statements
from warehouse.transaction import execute_file, transaction

MANIFEST = MIGRATIONS_DIR / "SHA256SUMS"


def _manifest() -> dict[str, str]:
    """file name -> sha256, from `sha256sum *.sql` output (so `sha256sum -c SHA256SUMS` checks it too)."""
    out = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        out[name.lstrip("*")] = digest
    return out


def test_shipped_migrations_are_unchanged():
    recorded = _manifest()
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in MIGRATIONS_DIR.glob("*.sql")}
    changed = sorted(n for n in recorded.keys() & files.keys() if recorded[n] != files[n])
    assert not changed, (
        f"shipped migration(s) {changed} changed: a database that already applied them keeps the old "
        "schema. Restore them and put the change in a new migration."
    )
    gone = sorted(recorded.keys() - files.keys())
    assert not gone, f"shipped migration(s) {gone} were removed; restore them"
    unrecorded = sorted(files.keys() - recorded.keys())
    assert not unrecorded, (
        f"migration(s) {unrecorded} are not recorded in {MANIFEST.name}: when one ships, add its line "
        f"(cd warehouse/migrations && sha256sum {' '.join(unrecorded)} >> {MANIFEST.name})"
    )


def test_statements_are_split_by_duckdbs_parser_not_on_every_semicolon():
    # the state fingerprint joins outlets with ';' inside a string: one statement, not two
    (state,) = statements("core/warehouse_state")
    assert "';'" in state.query
    lock = statements("core/sandbox_lock")  # three statements, one with a named parameter
    assert len(lock) == 3 and lock[0].named_parameters == {"dirs"}


def test_a_file_of_several_statements_runs_each_with_its_own_parameters(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        for version in ("v1", "v2"):
            load.register_model(con, version, "k; with a semicolon", {"note": "a; b"})
        rows = con.execute("select model_version, kind, is_current from models order by 1").fetchall()
        assert rows == [("v1", "k; with a semicolon", False), ("v2", "k; with a semicolon", True)]
        with transaction(con) as cur:
            execute_file(
                cur, "models/register_model", {"version": "v1", "kind": "k", "card": "{}", "unused": 1}
            )
        assert con.execute("select model_version from models where is_current").fetchall() == [("v1",)]
    finally:
        con.close()


def test_a_key_the_table_does_not_have_is_refused_with_its_name_and_the_table(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        good = {
            "run_id": "r",
            "stage": "feed",
            "source": "s",
            "reason": "x",
            "occurred_at": datetime(2026, 1, 1),
        }
        assert arrow_rows(con, "run_errors", [good]).to_pylist()[0]["detail"] is None  # missing: null
        with pytest.raises(ValueError, match=r"row 1 for table 'run_errors' has key\(s\) \['detial'\]"):
            arrow_rows(con, "run_errors", [good, {**good, "detial": "lost"}])
        # keys another table keeps are named by the caller, and only those pass
        assert arrow_rows(con, "run_errors", [{**good, "note": "n"}], elsewhere=("note",)).num_rows == 1
        row = {
            "article_id": "a1",
            "outlet_id": "o",
            "url": "https://o.example/1",
            "normalized_url": "https://o.example/1",
            "text": "t",
            "content_hash": "h",
            "fetched_at": datetime(2026, 1, 1),
            "paywalled": False,  # collection metadata: kept in article_collection
        }
        assert load.insert_articles(con, [row]) == ["a1"]
        with pytest.raises(ValueError, match="'titel'"):
            load.insert_articles(con, [{**row, "article_id": "a2", "titel": "lost"}])
        assert con.execute("select count(*) from articles").fetchone() == (1,)
    finally:
        con.close()


ROOT = SQL_DIR.parents[1]
PRODUCT = ("warehouse", "flows", "classifier", "labels", "framewatch", "bench", "tests")


def _sql_names_in_code() -> dict[str, list[str]]:
    """'<feature>/<file>' string literals in the code (and f-string prefixes such as labels/restore_<table>),
    for the feature folders warehouse/sql has -> where each appears."""
    features = {p.name for p in SQL_DIR.iterdir() if p.is_dir()}
    found: dict[str, list[str]] = {}
    pattern = re.compile(r"""f?["']([a-z_]+)/([a-z_]*)(\{[a-z_]+\})?["']""")
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for feature, rest, field in pattern.findall(line):
                    if feature in features:
                        name = f"{feature}/{rest}" + ("*" if field else "")
                        found.setdefault(name, []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return found


def test_sql_files_live_in_feature_folders_and_every_name_resolves_and_every_file_is_used():
    loose = sorted(p.name for p in SQL_DIR.glob("*.sql"))
    assert not loose, f"SQL files outside a feature folder of warehouse/sql: {loose}"
    files = {p.relative_to(SQL_DIR).with_suffix("").as_posix() for p in SQL_DIR.rglob("*.sql")}
    used = _sql_names_in_code()
    exact = {n for n in used if not n.endswith("*")}
    prefixes = [n[:-1] for n in used if n.endswith("*")]
    missing = {n: used[n] for n in exact - files}
    assert not missing, f"names the code gives that no warehouse/sql file has: {missing}"
    for prefix in prefixes:
        assert any(f.startswith(prefix) for f in files), f"no SQL file for names built as {prefix}..."
    unused = sorted(f for f in files if f not in exact and not any(f.startswith(p) for p in prefixes))
    assert not unused, f"SQL files no code loads (remove them or use them): {unused}"
