"""Article topics (table article_topics, migration 008): which articles still need a topic from the current
taxonomy version, and storing topics (from the taxonomy or from an imported file's `topic` field)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from warehouse.load import now
from warehouse.schema import arrow_rows
from warehouse.sqlfiles import sql
from warehouse.transaction import execute_file, transaction

COLUMNS = ("article_id", "topic", "method", "version", "score", "assigned_at")


def untopiced_articles(
    con: duckdb.DuckDBPyConnection, version: str, limit: int
) -> list[tuple[str, str | None, str | None]]:
    """(article_id, title, text) of up to `limit` articles with neither an imported topic nor a topic from
    taxonomy `version`."""
    return con.execute(sql("topics/untopiced"), {"version": version, "limit": limit}).fetchall()


def store_topics(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[tuple[str, str, float | None]],
    method: str,
    version: str | None,
) -> int:
    """Append (article_id, topic, score) rows assigned by `method` ('taxonomy' | 'import')."""
    if not rows:
        return 0
    stamp = now()
    batch = arrow_rows(
        con,
        "article_topics",
        [
            {
                "article_id": a,
                "topic": t,
                "method": method,
                "version": version,
                "score": s,
                "assigned_at": stamp,
            }
            for a, t, s in rows
        ],
        COLUMNS,
    )
    with transaction(con, batch) as cur:
        execute_file(cur, "topics/insert")
    return batch.num_rows
