"""Collection bookkeeping in the warehouse: feed fetches (health, conditional-GET validators),
per-article collection metadata (paywall flag, charset), MinHash signatures and duplicate links.
Writes go in one Arrow batch per table per call; SQL lives in warehouse/sql/collection_*.sql."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.load import ARTICLE_COLUMNS, run_batch
from warehouse.schema import arrow_rows
from warehouse.sqlfiles import sql

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _insert(
    con: duckdb.DuckDBPyConnection,
    name: str,
    table: str,
    rows: Sequence[dict[str, Any]],
    elsewhere: Sequence[str] = (),
) -> int:
    if not rows:
        return 0
    batch = arrow_rows(con, table, list(rows), elsewhere=elsewhere)
    run_batch(con, sql(name), batch)
    return batch.num_rows


def record_feed_fetches(
    con: duckdb.DuckDBPyConnection, run_id: str | None, feed_status: Sequence[dict[str, Any]]
) -> int:
    """Append one row per feed fetch (CollectResult.feed_status)."""
    return _insert(
        con,
        "collection/insert_feed_fetches",
        "feed_fetches",
        [
            {**row, "run_id": run_id, "items": row.get("items") or 0, "new_items": row.get("new_items") or 0}
            for row in feed_status
        ],
    )


def record_article_collection(
    con: duckdb.DuckDBPyConnection, run_id: str | None, articles: Sequence[dict[str, Any]]
) -> int:
    """Paywall flag and charset of stored articles (rows from collect; imported rows are skipped)."""
    now = _now()
    rows = [
        {**a, "run_id": run_id, "paywalled": bool(a.get("paywalled")), "recorded_at": now}
        for a in articles
        if a.get("extractor") != "import"
    ]
    return _insert(con, "collection/insert_article_collection", "article_collection", rows, ARTICLE_COLUMNS)


def record_minhashes(con: duckdb.DuckDBPyConnection, signatures: Sequence[dict[str, Any]]) -> int:
    return _insert(con, "collection/insert_minhashes", "article_minhashes", signatures)


def record_links(con: duckdb.DuckDBPyConnection, links: Sequence[dict[str, Any]]) -> int:
    return _insert(con, "collection/insert_links", "article_links", links)


def feed_validators(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None]]:
    """feed_url -> (etag, last_modified) of its latest successful fetch, for a conditional GET."""
    return {
        url: (etag, modified)
        for url, etag, modified in con.execute(sql("collection/feed_validators")).fetchall()
    }


def known_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """content_hash -> article_id of every stored article."""
    return dict(con.execute(sql("collection/known_hashes")).fetchall())


def recent_minhashes(
    con: duckdb.DuckDBPyConnection, scheme: str, num_perm: int, seed: int, shingle_words: int, days: int
) -> list[tuple[str, str, list[int]]]:
    """(article_id, cluster_id, hashvalues) made with these parameters in the last `days` days."""
    since = _now() - timedelta(days=days)
    params = {
        "scheme": scheme,
        "num_perm": num_perm,
        "seed": seed,
        "shingle_words": shingle_words,
        "since": since,
    }
    return con.execute(sql("collection/recent_minhashes"), params).fetchall()


def feed_health(
    con: duckdb.DuckDBPyConnection, min_failures: int = 0
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """One row per feed: last success, failures in a row, last reason, items, new items in 7 days."""
    since = _now() - timedelta(days=7)
    cur = con.execute(sql("collection/feed_health"), {"min_failures": min_failures, "since": since})
    return [d[0] for d in cur.description], cur.fetchall()


def syndication(con: duckdb.DuckDBPyConnection, limit: int = 50) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Stories with copies: near and exact copies per cluster and how many other outlets ran them."""
    cur = con.execute(sql("collection/syndication"), {"limit": limit})
    return [d[0] for d in cur.description], cur.fetchall()


def stored_hashes(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, str]:
    """article_id -> content hash of those of `ids` already stored."""
    if not ids:
        return {}
    cur = con.cursor()
    try:
        cur.register("batch", pa.table({"article_id": pa.array(list(dict.fromkeys(ids)), pa.string())}))
        return dict(cur.execute(sql("collection/stored_hashes")).fetchall())
    finally:
        cur.unregister("batch")
        cur.close()


def article_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(sql("collection/article_ids")).fetchall()}


def pages_failed_last(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Page URLs whose fetch or extraction failed in the latest completed collect run."""
    return {row[0] for row in con.execute(sql("collection/pages_failed_last")).fetchall()}


def stored_record_ids(
    con: duckdb.DuckDBPyConnection, record_ids: Sequence[str]
) -> dict[str, tuple[str, str]]:
    """record id -> (article_id, content hash) of the stored articles imported without a URL under one of
    `record_ids` (their own `id` field), from whichever file."""
    if not record_ids:
        return {}
    cur = con.cursor()
    try:
        cur.register("batch", pa.table({"record_id": pa.array(list(dict.fromkeys(record_ids)), pa.string())}))
        return {rid: (aid, h) for rid, aid, h in cur.execute(sql("collection/stored_record_ids")).fetchall()}
    finally:
        cur.unregister("batch")
        cur.close()


def outlet_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(sql("collection/outlet_ids")).fetchall()}
