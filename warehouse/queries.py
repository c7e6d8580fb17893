"""Read-side helpers: analyst SQL (read-only) and the outlet comparison the demo prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseError, connect
from warehouse.sqlfiles import sql


def run_readonly(path: Path | str, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run an analyst's SQL on a read-only connection: writes fail, nothing can be changed."""
    con = connect(path, read_only=True)
    try:
        try:
            cur = con.execute(query)
        except duckdb.Error as exc:
            hint = ""
            if "read-only" in str(exc).lower() or "read only" in str(exc).lower():
                hint = " (`framewatch query` is read-only: it cannot change the warehouse)"
            raise WarehouseError(f"query failed: {exc}{hint}") from exc
        if cur.description is None:
            return [], []
        columns = [d[0] for d in cur.description]
        return columns, cur.fetchall()
    finally:
        con.close()


def outlet_comparison(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple[Any, ...]]]:
    """One row per outlet: lean prior, articles, slant shares, mean tone, top frames."""
    cur = con.execute(sql("outlet_comparison"))
    return [d[0] for d in cur.description], cur.fetchall()


def run_summary(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """The counts and errors a run recorded."""
    row = con.execute(sql("run_summary"), [run_id]).fetchone()
    if row is None:
        raise WarehouseError(f"no run {run_id!r} in the warehouse")
    errors = con.execute(sql("run_errors"), [run_id]).fetchall()
    return {
        "run_id": row[0],
        "status": row[1],
        "counts": row[2],
        "started_at": row[3],
        "finished_at": row[4],
        "errors": [dict(zip(("stage", "source", "reason", "detail"), e, strict=True)) for e in errors],
    }


def recent_runs(con: duckdb.DuckDBPyConnection, last: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = con.execute(sql("recent_runs"), [last])
    return [d[0] for d in cur.description], cur.fetchall()
