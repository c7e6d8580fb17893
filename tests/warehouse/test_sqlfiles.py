"""The warehouse's SQL at its boundaries: SQL files are split into statements by DuckDB's own parser."""

from __future__ import annotations

from warehouse import load
from warehouse.db import connect
from warehouse.sqlfiles import statements
from warehouse.transaction import execute_file, transaction


def test_statements_are_split_by_duckdbs_parser_not_on_every_semicolon():
    # the state fingerprint joins outlets with ';' inside a string: one statement, not two
    (state,) = statements("warehouse_state")
    assert "';'" in state.query
    lock = statements("sandbox_lock")  # three statements, one with a named parameter
    assert len(lock) == 3 and lock[0].named_parameters == {"dirs"}


def test_a_file_of_several_statements_runs_each_with_its_own_parameters(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        for version in ("v1", "v2"):
            load.register_model(con, version, "k; with a semicolon", {"note": "a; b"})
        rows = con.execute("select model_version, kind, is_current from models order by 1").fetchall()
        assert rows == [("v1", "k; with a semicolon", False), ("v2", "k; with a semicolon", True)]
        with transaction(con) as cur:
            execute_file(cur, "register_model", {"version": "v1", "kind": "k", "card": "{}", "unused": 1})
        assert con.execute("select model_version from models where is_current").fetchall() == [("v1",)]
    finally:
        con.close()
