"""A fingerprint of what the report reads (warehouse/sql/warehouse_state.sql), so a monitoring run with
nothing new can skip re-publishing the same report, and the state the last report left behind."""

from __future__ import annotations

import duckdb

from warehouse.sqlfiles import sql


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(sql("warehouse_state")).fetchone()
    return str(row[0]) if row else ""


def last_report_state(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(sql("last_report_state")).fetchone()
    return row[0] if row else None
