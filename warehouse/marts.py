"""Materialized marts: tables, refreshed after every run, that every analyst view reads.

`mart_articles` holds each article's current-model prediction; `mart_frame_cells` and `mart_slant_cells`
hold additive sums (articles, probabilities and their squares, counts) per grain (day, week, month, all),
period, outlet and topic. The mart views compute shares, intervals, lifts and changes from those sums
with one definition each, so a view means the same whichever process opened the file last.

A refresh is incremental: only articles with a prediction, headline prediction or topic written after the
last refresh (its watermark) are rewritten, and only the cells they touch (their outlet-days, weeks,
months) are recomputed; a new current model (or frame order) rebuilds everything. A run that adds 1,000
articles to millions refreshes in seconds (bench/bench_warehouse.py)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse.load import now
from warehouse.rows import one_row
from warehouse.sqlfiles import sql
from warehouse.transaction import execute_file, transaction

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class MartState:
    refreshed_at: datetime
    current_model: str | None
    frame_keys: list[str] | None
    slant_keys: list[str] | None
    watermark: datetime | None
    topics_version: str | None
    mode: str
    articles_changed: int
    seconds: float


def state(con: duckdb.DuckDBPyConnection) -> MartState | None:
    """The latest refresh, or None before the first."""
    row = con.execute(sql("marts/state")).fetchone()
    return MartState(*row) if row else None


def _sources(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    cur = con.execute(sql("marts/sources"))
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None  # one row of scalar subqueries
    return dict(zip(cols, row, strict=True))


def refresh_marts(
    con: duckdb.DuckDBPyConnection, full: bool = False, topics_version: str | None = None
) -> dict[str, Any]:
    """Bring the mart tables up to date with the stored rows, in one transaction (readers of a snapshot
    never see half a refresh). Call it last in a run, after every write, then publish the snapshot.
    Returns what was done: mode (full | incremental | unchanged), articles rewritten, seconds."""
    started = time.monotonic()
    last = state(con)
    src = _sources(con)
    rebuild = (
        full
        or last is None
        or last.current_model != src["current_model"]
        or list(last.frame_keys or []) != list(src["frame_keys"] or [])
    )
    watermark = src["newest_write"] or EPOCH
    params = {"full": rebuild, "watermark": (last.watermark if last and last.watermark else EPOCH)}
    with transaction(con) as cur:
        execute_file(cur, "marts/changed_articles", params)
        changed = int(one_row(cur, "select count(*) from changed_articles")[0])
        mode = "full" if rebuild else ("incremental" if changed else "unchanged")
        if rebuild:
            execute_file(cur, "marts/clear")
        if changed and src["frame_keys"]:
            execute_file(cur, "marts/refresh", {"frame_keys": list(src["frame_keys"])})
        elapsed = round(time.monotonic() - started, 3)
        execute_file(
            cur,
            "marts/record_state",
            {
                "refreshed_at": now(),
                "current_model": src["current_model"],
                "frame_keys": list(src["frame_keys"] or []),
                "slant_keys": list(src["slant_keys"] or []),
                "watermark": watermark,
                "topics_version": topics_version,
                "mode": mode,
                "articles_changed": changed,
                "seconds": elapsed,
            },
        )
    in_mart = int(one_row(con, "select count(*) from mart_articles")[0])
    if src["n_scored"] is not None and in_mart != src["n_scored"] and not rebuild:
        # a row written with a timestamp older than the watermark (a clock that went back): start over
        log.warning("marts missed %d article(s); rebuilding", src["n_scored"] - in_mart)
        return refresh_marts(con, full=True, topics_version=topics_version)
    log.info("marts refreshed (%s, %d articles) in %.2f s", mode, changed, elapsed)
    return {"mode": mode, "articles_changed": changed, "articles": in_mart, "seconds": elapsed}


def marts_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when nothing the marts read was written after the last refresh (same model, same rows)."""
    last = state(con)
    if last is None:
        return False
    src = _sources(con)
    newest = src["newest_write"]
    return last.current_model == src["current_model"] and (
        newest is None or newest <= (last.watermark or EPOCH)
    )
