"""Materialized marts: the mart views are always correct on live tables; after a run, `refresh_marts`
materializes the heavy intermediate layer (article scores, outlet-day counts, outlet-day-frame counts) into
rollup_* tables and points the intermediate view names at them, so the marts (and the snapshot published
from this file) answer in milliseconds at millions of predictions. The next writable `connect()` puts the
live views back, so a writer never reads stale rollups."""

from __future__ import annotations

import logging
import time
from typing import Any

import duckdb

from warehouse.db import refresh_views
from warehouse.load import now
from warehouse.sqlfiles import sql, statements

log = logging.getLogger(__name__)

STATE_KEYS = ("current_model", "n_predictions", "n_compact", "n_headlines", "n_articles")


def source_counts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The current model and the row count of each source table the marts read."""
    row = con.execute(sql("analytics_source_counts")).fetchone()
    return dict(zip(STATE_KEYS, row, strict=True))


def refresh_marts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Rebuild the rollups from the live views in one transaction and point the marts at them.
    Call it last in a run (after every write), then publish the snapshot. Returns what was built."""
    started = time.monotonic()
    refresh_views(con)  # live definitions, so the rollups are built from the source tables
    counts = source_counts(con)
    cur = con.cursor()
    try:
        cur.execute("begin transaction")
        try:
            for statement in statements("analytics_refresh_rollups"):
                cur.execute(statement)
            params = {"refreshed_at": now(), **counts}
            for statement in statements("analytics_record_mart_state"):
                cur.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
            cur.execute("commit")
        except Exception:
            cur.execute("rollback")
            refresh_views(con)
            raise
    finally:
        cur.close()
    elapsed = round(time.monotonic() - started, 2)
    log.info("marts refreshed in %.2f s from %s", elapsed, counts)
    return {**counts, "seconds": elapsed}


def rollups_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the rollups were built from exactly the rows now stored (no write since the refresh)."""
    row = con.execute(sql("analytics_mart_state")).fetchone()
    return row is not None and dict(zip(STATE_KEYS, row, strict=True)) == source_counts(con)


def uses_rollups(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the marts currently read the materialized rollups (not the live views)."""
    row = con.execute(sql("analytics_view_definition"), ["int_outlet_day"]).fetchone()
    return row is not None and "rollup_int_outlet_day" in row[0]
