"""Store model evaluation results: the models table (card) and the append-only model_metrics table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb

from warehouse.load import now, run_batch, run_statements
from warehouse.schema import arrow_rows
from warehouse.sqlfiles import sql


def register_evaluated_model(
    con: duckdb.DuckDBPyConnection, version: str, kind: str, card: dict[str, Any]
) -> None:
    """Insert the model version if unknown (not made current) and store its latest card."""
    params = {"version": version, "kind": kind, "card": json.dumps(card, default=str)}
    run_statements(con, "models/model_metrics_register", params)


def record_metrics(
    con: duckdb.DuckDBPyConnection,
    version: str,
    dataset: str,
    rows: Sequence[dict[str, Any]],
    data_hash: str | None = None,
    protocol: str | None = None,
) -> int:
    """Append metric rows (task, slice, metric, value, n) of one evaluation; returns the row count."""
    if not rows:
        return 0
    stamp = now()
    table = arrow_rows(
        con,
        "model_metrics",
        [
            {
                "model_version": version,
                "evaluated_at": stamp,
                "dataset": dataset,
                "data_hash": data_hash,
                "protocol": protocol,
                "task": r["task"],
                "slice": r["slice"],
                "metric": r["metric"],
                "value": r.get("value"),
                "n": r.get("n"),
            }
            for r in rows
        ],
    )
    run_batch(con, sql("models/model_metrics_insert"), table)
    return table.num_rows


def latest_metrics(con: duckdb.DuckDBPyConnection, version: str, dataset: str) -> list[tuple]:
    """(task, slice, metric, value, n, protocol, evaluated_at) of the latest evaluation."""
    return con.execute(
        sql("models/model_metrics_latest"), {"version": version, "dataset": dataset}
    ).fetchall()
