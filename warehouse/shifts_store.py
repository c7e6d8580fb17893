"""Shift alerts (table shift_alerts, migration 003): the outlet x label weeks to test, the articles behind
an alert, and storing a week's alerts. The statistics sit above the warehouse (flows/analysis/shifts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb

from warehouse.schema import arrow_rows
from warehouse.sqlfiles import sql
from warehouse.transaction import transaction

ALERT_COLUMNS = (
    "alert_id",
    "detected_at",
    "model_version",
    "outlet_id",
    "dimension",
    "label",
    "week",
    "n_articles",
    "n_with_label",
    "share",
    "baseline_weeks",
    "baseline_articles",
    "baseline_with_label",
    "baseline_share",
    "direction",
    "test",
    "p_value",
    "q_value",
    "evidence_article_ids",
)


def latest_week(con: duckdb.DuckDBPyConnection) -> date | None:
    """The most recent week with scored articles (the default week to test)."""
    return con.execute(sql("shifts_latest_week")).fetchone()[0]


def current_model(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(sql("shifts_current_model")).fetchone()
    return row[0] if row else None


def candidates(
    con: duckdb.DuckDBPyConnection,
    week: date,
    min_articles: int,
    min_baseline_articles: int,
    min_baseline_weeks: int,
) -> list[dict[str, Any]]:
    """Every outlet x label of `week` with enough articles this week and in its baseline to test."""
    cur = con.execute(
        sql("shifts_candidates"),
        {
            "week": week,
            "min_articles": min_articles,
            "min_baseline_articles": min_baseline_articles,
            "min_baseline_weeks": min_baseline_weeks,
        },
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def evidence(
    con: duckdb.DuckDBPyConnection,
    outlet_id: str,
    week: date,
    dimension: str,
    label: str,
    up: bool,
    limit: int,
) -> list[str]:
    """The articles behind an alert, most recent first."""
    params = {"outlet_id": outlet_id, "week": week, "dimension": dimension, "label": label, "up": up}
    return [row[0] for row in con.execute(sql("shifts_evidence"), {**params, "limit": limit}).fetchall()]


def replace_week(
    con: duckdb.DuckDBPyConnection, week: date, model_version: str, alerts: Sequence[dict[str, Any]]
) -> None:
    """Store `alerts` as the week's alerts for `model_version` (earlier ones of that week replaced)."""
    batch = arrow_rows(con, "shift_alerts", alerts, ALERT_COLUMNS)
    with transaction(con, batch) as cur:
        cur.execute(sql("shifts_clear_week"), {"week": week, "model_version": model_version})
        cur.execute(sql("shifts_insert_alerts"))
