"""Writes into the warehouse, one Arrow batch per transaction (never row by row)."""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.sqlfiles import sql, statements

log = logging.getLogger(__name__)

PROB_MAP = pa.map_(pa.string(), pa.float64())

ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("outlet_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("normalized_url", pa.string()),
        ("feed_url", pa.string()),
        ("title", pa.string()),
        ("byline", pa.string()),
        ("published", pa.date32()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("content_hash", pa.string()),
        ("raw_html_z", pa.binary()),
        ("extractor", pa.string()),
        ("extractor_version", pa.string()),
        ("first_run_id", pa.string()),
        ("fetched_at", pa.timestamp("us")),
    ]
)

PREDICTION_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("model_version", pa.string()),
        ("scored_at", pa.timestamp("us")),
        ("run_id", pa.string()),
        ("frame_probs", PROB_MAP),
        ("frames", pa.list_(pa.string())),
        ("primary_frame", pa.string()),
        ("slant_probs", PROB_MAP),
        ("slant", pa.string()),
        ("tone_score", pa.float64()),
        ("tone", pa.string()),
        ("evidence", pa.string()),
    ]
)

ERROR_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("stage", pa.string()),
        ("source", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("occurred_at", pa.timestamp("us")),
    ]
)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _as_maps(rows: Sequence[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Arrow wants a map value as a list of (key, value) pairs."""
    out = []
    for row in rows:
        row = dict(row)
        for key in keys:
            row[key] = list(row[key].items())
        out.append(row)
    return out


def run_batch(con: duckdb.DuckDBPyConnection, statement: str, batch: pa.Table) -> list[tuple]:
    """Run one statement over the Arrow table registered as `batch`, in its own transaction."""
    cur = con.cursor()
    try:
        cur.register("batch", batch)
        cur.execute("begin transaction")
        try:
            cur.execute(statement)
            result = cur.fetchall() if "returning" in statement.lower() else []
            cur.execute("commit")
        except Exception:
            cur.execute("rollback")
            raise
        return result
    finally:
        cur.unregister("batch")
        cur.close()


def run_statements(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> None:
    """Run every statement of warehouse/sql/<name>.sql in one transaction; each gets the `$params` it uses."""
    cur = con.cursor()
    cur.execute("begin transaction")
    try:
        for statement in statements(name):
            cur.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
        cur.execute("commit")
    except Exception:
        cur.execute("rollback")
        raise
    finally:
        cur.close()


def upsert_outlets(con: duckdb.DuckDBPyConnection, outlets: Sequence[dict[str, Any]]) -> None:
    if not outlets:
        return
    cols = ["outlet_id", "name", "domain", "country", "kind", "lean_prior", "lean_source"]
    batch = pa.Table.from_pylist([{c: o.get(c) for c in cols} for o in outlets])
    run_batch(con, sql("upsert_outlets"), batch)


def upsert_feeds(con: duckdb.DuckDBPyConnection, feeds: Sequence[dict[str, Any]]) -> None:
    if not feeds:
        return
    cols = ["feed_url", "outlet_id", "kind"]
    batch = pa.Table.from_pylist([{c: f.get(c) for c in cols} for f in feeds])
    run_batch(con, sql("upsert_feeds"), batch)


def insert_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[dict[str, Any]]) -> list[str]:
    """Insert articles not already stored (by article_id). Returns the ids actually added."""
    if not articles:
        return []
    batch = pa.Table.from_pylist([dict(a) for a in articles], schema=ARTICLE_SCHEMA)
    return [row[0] for row in run_batch(con, sql("insert_articles"), batch)]


def insert_predictions(con: duckdb.DuckDBPyConnection, predictions: Sequence[dict[str, Any]]) -> int:
    """Append prediction rows (append-only: earlier versions' rows are kept)."""
    if not predictions:
        return 0
    rows = _as_maps(predictions, "frame_probs", "slant_probs")
    batch = pa.Table.from_pylist(rows, schema=PREDICTION_SCHEMA)
    run_batch(con, sql("insert_predictions"), batch)
    return batch.num_rows


def unscored_articles(con: duckdb.DuckDBPyConnection, model_version: str) -> list[tuple[str, str, str]]:
    """(article_id, title, text) of every article without a prediction from `model_version`."""
    return con.execute(sql("unscored_articles"), [model_version]).fetchall()


def register_model(con: duckdb.DuckDBPyConnection, version: str, kind: str, card: dict[str, Any]) -> None:
    """Record a model version and make it current, so views never mix versions."""
    params = {"version": version, "kind": kind, "card": json.dumps(card, default=str)}
    run_statements(con, "register_model", params)


def run_owner() -> dict[str, Any]:
    """Who is running: stored in a run's params so a later run can tell a stale 'running' row."""
    return {"pid": str(os.getpid()), "host": socket.gethostname()}


def mark_interrupted_runs(con: duckdb.DuckDBPyConnection, current_run_id: str) -> list[str]:
    """Mark runs left 'running' by a process that is gone as 'interrupted'; returns their ids.
    Call it on the writable connection (the file lock proves no other process is writing)."""
    owner = run_owner()
    rows = con.execute(
        sql("mark_interrupted_runs"), {"now": now(), "run_id": current_run_id, **owner}
    ).fetchall()
    ids = [row[0] for row in rows]
    if ids:
        log.warning("marked %d earlier run(s) as interrupted: %s", len(ids), ", ".join(ids))
    return ids


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow_name: str, params: dict[str, Any]) -> None:
    con.execute(sql("start_run"), [run_id, flow_name, now(), json.dumps(params, default=str)])


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: dict[str, Any],
    errors: Sequence[dict[str, Any]],
) -> None:
    """Record what a run did: its counts, and each failure with its stage, source and reason."""
    if errors:
        rows = [
            {
                "run_id": run_id,
                "stage": e["stage"],
                "source": e["source"],
                "reason": e["reason"],
                "detail": e.get("detail"),
                "occurred_at": e.get("at") or now(),
            }
            for e in errors
        ]
        run_batch(con, sql("insert_run_errors"), pa.Table.from_pylist(rows, schema=ERROR_SCHEMA))
    con.execute(sql("finish_run"), [now(), status, json.dumps(counts, default=str), len(errors), run_id])
