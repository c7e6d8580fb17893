"""Storing a scoring: one article's body prediction, its headline-alone prediction and its story
embedding are written together, in one transaction, by `store_scoring`: the score flow and the retrain
loop both call it, so an article scored by a model always has all three (migration 003 tables
`predictions`, `headline_predictions`, `article_embeddings`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.schema import arrow_rows
from warehouse.transaction import execute_file, transaction

PREDICTION_COLUMNS = (
    "article_id",
    "model_version",
    "scored_at",
    "run_id",
    "frame_probs",
    "frames",
    "primary_frame",
    "slant_probs",
    "slant",
    "tone_score",
    "tone",
    "evidence",
)
HEADLINE_COLUMNS = (
    "article_id",
    "model_version",
    "scored_at",
    "run_id",
    "frame_probs",
    "frames",
    "primary_frame",
    "slant",
    "tone_score",
)


@dataclass
class Scoring:
    """What one scoring pass produced for a batch of articles (rows as dicts; probabilities as
    {label: p}); `embeddings` are rows of article_embeddings (warehouse.stories_store.embedding_rows)."""

    bodies: list[dict[str, Any]] = field(default_factory=list)
    headlines: list[dict[str, Any]] = field(default_factory=list)
    embeddings: pa.Table | None = None


def store_scoring(con: duckdb.DuckDBPyConnection, scoring: Scoring) -> tuple[int, int, int]:
    """Append bodies, headlines and embeddings in one transaction (all or nothing). Returns the three row
    counts."""
    bodies = arrow_rows(con, "predictions", scoring.bodies, PREDICTION_COLUMNS)
    heads = arrow_rows(con, "headline_predictions", scoring.headlines, HEADLINE_COLUMNS)
    embeddings = scoring.embeddings
    n_emb = embeddings.num_rows if embeddings is not None else 0
    with transaction(con) as cur:
        for name, table in (
            ("insert_predictions", bodies),
            ("analytics_insert_headline_predictions", heads),
            ("stories_insert_embeddings", embeddings),
        ):
            if table is not None and table.num_rows:
                cur.register("batch", table)
                try:
                    execute_file(cur, name)
                finally:
                    cur.unregister("batch")
    return bodies.num_rows, heads.num_rows, n_emb


def insert_predictions(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Append body predictions only (tests and imports of predictions made elsewhere)."""
    return store_scoring(con, Scoring(bodies=list(rows)))[0]


def insert_headline_predictions(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Append headline predictions only (frame_probs, slant and tone_score may be missing)."""
    return store_scoring(con, Scoring(headlines=list(rows)))[1]
