"""Storing predictions: one table, one layout, one writer.

`predictions` keeps probabilities as float lists in the label order recorded once per model version in
`model_label_sets` (Arrow lists load ~10x faster than MAPs; the staging views name them again).
`store_scoring` writes one scoring pass (body predictions, headline-alone predictions, story embeddings)
in one transaction: the score flow and the retrain loop both call it, so an article scored by a model
always has all three. `insert_predictions_arrow` is the bulk path for whole Arrow tables already in the
stored layout (imports of predictions made elsewhere, the 10M-row benchmark)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.load import now
from warehouse.schema import arrow_rows, arrow_schema
from warehouse.sqlfiles import sql
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
# headline-only scores keep the frames, the slant and the tone score (no class probabilities of slant, no
# tone class, no evidence)
HEADLINE_COLUMNS = tuple(c for c in PREDICTION_COLUMNS if c not in ("slant_probs", "tone", "evidence"))


class PredictionLoadError(ValueError):
    """Rows that do not fit the stored layout; the message says what to do."""


@dataclass
class Scoring:
    """What one scoring pass produced for a batch of articles: body and headline rows as dicts with
    probabilities as {label: p} (every row of one model version with the same labels), and rows of
    article_embeddings (warehouse.stories_store.embedding_rows)."""

    bodies: list[dict[str, Any]] = field(default_factory=list)
    headlines: list[dict[str, Any]] = field(default_factory=list)
    embeddings: pa.Table | None = None


def label_set(con: duckdb.DuckDBPyConnection, model_version: str) -> tuple[list[str], list[str]] | None:
    """(frame_keys, slant_keys) recorded for `model_version`, or None."""
    row = con.execute(sql("models/predictions_label_set"), [model_version]).fetchone()
    return (list(row[0]), list(row[1])) if row else None


def record_label_set(
    con: duckdb.DuckDBPyConnection, model_version: str, frame_keys: Sequence[str], slant_keys: Sequence[str]
) -> None:
    """Record the order of the probability lists for a model version (the first recording stays)."""
    con.execute(sql("analytics/record_label_set"), [model_version, list(frame_keys), list(slant_keys), now()])


def _listed(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[dict[str, Any]],
    keys: dict[str, tuple[list[str], list[str]]],
) -> list[dict[str, Any]]:
    """Rows with {label: p} probabilities turned into lists in their version's recorded order."""
    out = []
    for row in rows:
        version = row["model_version"]
        if version not in keys:
            recorded = label_set(con, version)
            if recorded is None:
                frames = list((row.get("frame_probs") or {}).keys())
                slants = list((row.get("slant_probs") or {}).keys()) or ["left", "center", "right"]
                record_label_set(con, version, frames, slants)
                recorded = (frames, slants)
            keys[version] = recorded
        frame_keys, slant_keys = keys[version]
        row = dict(row)
        for col, order in (("frame_probs", frame_keys), ("slant_probs", slant_keys)):
            probs = row.get(col)
            if isinstance(probs, dict):
                unknown = set(probs) - set(order)
                if unknown:
                    raise PredictionLoadError(
                        f"model {version}: labels {sorted(unknown)} are not in its recorded label set "
                        f"{order}; a model version's labels cannot change: register it as a new version"
                    )
                row[col] = [float(probs.get(k, 0.0)) for k in order]
        out.append(row)
    return out


def store_scoring(con: duckdb.DuckDBPyConnection, scoring: Scoring) -> tuple[int, int, int]:
    """Append bodies, headlines and embeddings in one transaction (all or nothing). Returns the three row
    counts."""
    keys: dict[str, tuple[list[str], list[str]]] = {}
    bodies = arrow_rows(con, "predictions", _listed(con, scoring.bodies, keys), PREDICTION_COLUMNS)
    heads = arrow_rows(con, "headline_predictions", _listed(con, scoring.headlines, keys), HEADLINE_COLUMNS)
    embeddings = scoring.embeddings
    with transaction(con) as cur:
        for name, table in (
            ("models/insert_predictions", bodies),
            ("analytics/insert_headline_predictions", heads),
            ("stories/insert_embeddings", embeddings),
        ):
            if table is not None and table.num_rows:
                cur.register("batch", table)
                try:
                    execute_file(cur, name)
                finally:
                    cur.unregister("batch")
    return bodies.num_rows, heads.num_rows, embeddings.num_rows if embeddings is not None else 0


def insert_predictions(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Append body predictions only (tests, and predictions made elsewhere)."""
    return store_scoring(con, Scoring(bodies=list(rows)))[0]


def insert_headline_predictions(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Append headline predictions only (frame_probs, slant and tone_score may be missing)."""
    return store_scoring(con, Scoring(headlines=list(rows)))[1]


def insert_predictions_arrow(con: duckdb.DuckDBPyConnection, table: pa.Table) -> int:
    """Append a whole Arrow table already in the stored layout (probability lists in the recorded label
    order) in one transaction: the bulk path."""
    schema = arrow_schema(con, "predictions", PREDICTION_COLUMNS)
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise PredictionLoadError(
            f"batch lacks columns {missing}; build it with warehouse.schema.arrow_schema(con, 'predictions')"
        )
    versions = set(table.column("model_version").unique().to_pylist())
    unknown = sorted(v for v in versions if label_set(con, v) is None)
    if unknown:
        raise PredictionLoadError(
            f"no label order recorded for model versions {unknown}: call "
            "warehouse.predictions.record_label_set(con, version, frame_keys, slant_keys) first"
        )
    batch = table.select(schema.names).cast(schema)
    with transaction(con, batch) as cur:
        execute_file(cur, "models/insert_predictions")
    return batch.num_rows
