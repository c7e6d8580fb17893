"""A fingerprint of what the report reads (warehouse/sql/core/warehouse_state.sql), so a monitoring run with
nothing new can skip re-publishing the same report, and the state the last report left behind."""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse.load import now
from warehouse.sqlfiles import sql


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(sql("core/warehouse_state")).fetchone()
    return str(row[0]) if row else ""


def last_report_state(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(sql("runs/last_report_state")).fetchone()
    return row[0] if row else None


def record_report_state(
    con: duckdb.DuckDBPyConnection, run_id: str, state: str, at: datetime | None = None
) -> None:
    """Keep what report run `run_id` showed (its key), apart from the counts people read."""
    con.execute(
        sql("runs/record_report_state"), {"run_id": run_id, "state": state, "recorded_at": at or now()}
    )
