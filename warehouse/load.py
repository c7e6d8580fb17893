"""Writes into the warehouse, one Arrow batch per transaction (never row by row)."""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from warehouse.rows import one_row
from warehouse.schema import arrow_rows
from warehouse.sqlfiles import sql
from warehouse.transaction import execute_file, transaction

log = logging.getLogger(__name__)

ARTICLE_COLUMNS = (
    "article_id",
    "outlet_id",
    "url",
    "canonical_url",
    "normalized_url",
    "feed_url",
    "title",
    "byline",
    "published",
    "language",
    "text",
    "content_hash",
    "raw_html_z",
    "extractor",
    "extractor_version",
    "first_run_id",
    "fetched_at",
)
# A collected or imported article row also carries what other tables keep: the collection metadata
# (article_collection, written by warehouse.collection), an imported record's own topic (article_topics)
# and its own id (record_id: kept in normalized_url as 'import:<file>:<id>').
COLLECTION_KEYS = ("final_url", "paywalled", "paywall_signal", "encoding", "encoding_source")
ARTICLE_ROW_EXTRAS = (*COLLECTION_KEYS, "topic", "record_id")
ERROR_COLUMNS = ("run_id", "stage", "source", "reason", "detail", "occurred_at")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def run_batch(con: duckdb.DuckDBPyConnection, statement: str, batch: pa.Table) -> list[tuple]:
    """Run one statement over the Arrow table registered as `batch`, in its own transaction."""
    with transaction(con, batch) as cur:
        cur.execute(statement)
        return cur.fetchall() if "returning" in statement.lower() else []


def run_statements(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> None:
    """Run every statement of warehouse/sql/<name>.sql in one transaction; each gets the `$params` it uses."""
    with transaction(con) as cur:
        execute_file(cur, name, params)


OUTLET_COLUMNS = ("outlet_id", "name", "domain", "country", "kind", "lean_prior", "lean_source")


def _write_outlets(con: duckdb.DuckDBPyConnection, statement: str, outlets: Sequence[dict[str, Any]]) -> None:
    if outlets:
        batch = pa.Table.from_pylist([{c: o.get(c) for c in OUTLET_COLUMNS} for o in outlets])
        run_batch(con, sql(statement), batch)


def upsert_outlets(con: duckdb.DuckDBPyConnection, outlets: Sequence[dict[str, Any]]) -> None:
    """Store outlets from the sources registry (a stored one takes the registry's values)."""
    _write_outlets(con, "collection/upsert_outlets", outlets)


def insert_new_outlets(con: duckdb.DuckDBPyConnection, outlets: Sequence[dict[str, Any]]) -> None:
    """Add outlets (found in imported records) that are not stored yet; a stored one is left as it is."""
    _write_outlets(con, "collection/insert_new_outlets", outlets)


def upsert_feeds(con: duckdb.DuckDBPyConnection, feeds: Sequence[dict[str, Any]]) -> None:
    if not feeds:
        return
    cols = ["feed_url", "outlet_id", "kind"]
    batch = pa.Table.from_pylist([{c: f.get(c) for c in cols} for f in feeds])
    run_batch(con, sql("collection/upsert_feeds"), batch)


def insert_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[dict[str, Any]]) -> list[str]:
    """Insert articles not already stored (by article_id). Returns the ids actually added."""
    if not articles:
        return []
    batch = arrow_rows(con, "articles", articles, ARTICLE_COLUMNS, elsewhere=ARTICLE_ROW_EXTRAS)
    return [row[0] for row in run_batch(con, sql("collection/insert_articles"), batch)]


class ArticleText(NamedTuple):
    """What a model scores of a stored article."""

    article_id: str
    title: str | None
    text: str
    language: str | None


def unscored_articles(con: duckdb.DuckDBPyConnection, model_version: str) -> list[ArticleText]:
    """Every article without a prediction from `model_version` (or, when it has a title, without that
    model's headline prediction)."""
    return [
        ArticleText(*row) for row in con.execute(sql("models/unscored_articles"), [model_version]).fetchall()
    ]


def register_model(con: duckdb.DuckDBPyConnection, version: str, kind: str, card: dict[str, Any]) -> None:
    """Record a model version and make it current, so views never mix versions."""
    params = {"version": version, "kind": kind, "card": json.dumps(card, default=str)}
    run_statements(con, "models/register_model", params)


def run_owner() -> dict[str, Any]:
    """Who is running: stored in a run's params so a later run can tell a stale 'running' row."""
    return {"pid": str(os.getpid()), "host": socket.gethostname()}


def mark_interrupted_runs(con: duckdb.DuckDBPyConnection, current_run_id: str) -> list[str]:
    """Mark runs left 'running' by a process that is gone as 'interrupted'; returns their ids.
    Call it on the writable connection (the file lock proves no other process is writing)."""
    owner = run_owner()
    rows = con.execute(
        sql("runs/mark_interrupted_runs"), {"now": now(), "run_id": current_run_id, **owner}
    ).fetchall()
    ids = [row[0] for row in rows]
    if ids:
        log.warning("marked %d earlier run(s) as interrupted: %s", len(ids), ", ".join(ids))
    return ids


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow_name: str, params: dict[str, Any]) -> None:
    con.execute(sql("runs/start_run"), [run_id, flow_name, now(), json.dumps(params, default=str)])


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
        run_batch(con, sql("runs/insert_run_errors"), arrow_rows(con, "run_errors", rows, ERROR_COLUMNS))
    con.execute(sql("runs/finish_run"), [now(), status, json.dumps(counts, default=str), len(errors), run_id])


def has_unscored(con: duckdb.DuckDBPyConnection, model_version: str) -> bool:
    """Whether any article still lacks a body or headline prediction from `model_version`."""
    query = sql("models/unscored_articles").strip().rstrip(";")
    return bool(one_row(con, f"select exists ({query})", [model_version])[0])
