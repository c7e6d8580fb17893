"""Bulk loading of predictions as whole Arrow tables into the compact layout (predictions_compact):
float-list probabilities in a recorded label order instead of MAPs, ~10x faster to load. The views read
both layouts (stg_predictions), so what analysts see is the same whichever path wrote the rows."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from warehouse.load import now, run_batch
from warehouse.sqlfiles import sql

log = logging.getLogger(__name__)

COMPACT_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("model_version", pa.string()),
        ("scored_at", pa.timestamp("us")),
        ("run_id", pa.string()),
        ("frame_probs", pa.list_(pa.float32())),
        ("frames", pa.list_(pa.string())),
        ("primary_frame", pa.string()),
        ("slant_probs", pa.list_(pa.float32())),
        ("slant", pa.string()),
        ("tone_score", pa.float64()),
        ("tone", pa.string()),
        ("evidence", pa.string()),
    ]
)


class BulkLoadError(ValueError):
    """A batch that does not match the compact layout."""


def record_label_set(
    con: duckdb.DuckDBPyConnection, model_version: str, frame_keys: Sequence[str], slant_keys: Sequence[str]
) -> None:
    """Record the order of the probability lists for a model version (once per version)."""
    con.execute(sql("analytics_record_label_set"), [model_version, list(frame_keys), list(slant_keys), now()])


def insert_predictions_arrow(con: duckdb.DuckDBPyConnection, table: pa.Table) -> int:
    """Append a whole Arrow table (COMPACT_SCHEMA) to predictions_compact in one transaction."""
    missing = [f.name for f in COMPACT_SCHEMA if f.name not in table.column_names]
    if missing:
        raise BulkLoadError(f"batch lacks columns {missing}; build it with warehouse.bulk.COMPACT_SCHEMA")
    versions = set(table.column("model_version").unique().to_pylist())
    known = {r[0] for r in con.execute("select distinct model_version from model_label_sets").fetchall()}
    if versions - known:
        raise BulkLoadError(
            f"no label order recorded for model versions {sorted(versions - known)}: call "
            "warehouse.bulk.record_label_set(con, version, frame_keys, slant_keys) first"
        )
    batch = table.select(COMPACT_SCHEMA.names).cast(COMPACT_SCHEMA)
    run_batch(con, sql("analytics_insert_predictions_compact"), batch)
    return batch.num_rows
