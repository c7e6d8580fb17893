"""Headline-alone frame predictions (table headline_predictions, migration 003), for headline vs body.

The scoring flow scores each article's title as its own document with the same model that scored the
article, and stores one row per article: frames, primary frame (and optionally frame_probs, slant,
tone_score). The marts compare them with the article's own prediction (headline_vs_body)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.load import PROB_MAP, run_batch
from warehouse.sqlfiles import sql

HEADLINE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("model_version", pa.string()),
        ("scored_at", pa.timestamp("us")),
        ("run_id", pa.string()),
        ("frame_probs", PROB_MAP),
        ("frames", pa.list_(pa.string())),
        ("primary_frame", pa.string()),
        ("slant", pa.string()),
        ("tone_score", pa.float64()),
    ]
)


def insert_headline_predictions(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Append headline predictions (dicts with HEADLINE_SCHEMA keys; frame_probs/slant/tone_score may be
    missing) in one transaction. Returns the number of rows written."""
    if not rows:
        return 0
    prepared = []
    for row in rows:
        row = {name: row.get(name) for name in HEADLINE_SCHEMA.names}
        if row["frame_probs"] is not None:
            row["frame_probs"] = list(row["frame_probs"].items())
        prepared.append(row)
    batch = pa.Table.from_pylist(prepared, schema=HEADLINE_SCHEMA)
    run_batch(con, sql("analytics_insert_headline_predictions"), batch)
    return batch.num_rows
