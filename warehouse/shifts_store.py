"""Shift checks (tables shift_tests and shift_checks, migration 008): the outlet x label cells of a week,
the articles behind an alert, and storing a week's tests with the one-line summary of the check. The
statistics sit above the warehouse (flows/analysis/shifts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from warehouse.rows import one_row
from warehouse.schema import arrow_rows
from warehouse.sqlfiles import sql
from warehouse.transaction import execute_file, transaction

TEST_COLUMNS = (
    "week",
    "model_version",
    "checked_at",
    "outlet_id",
    "dimension",
    "label",
    "n_articles",
    "share",
    "baseline_weeks",
    "baseline_articles",
    "baseline_share",
    "diff",
    "p_value",
    "q_value",
    "alert",
    "reason",
    "test",
    "evidence_article_ids",
)


def latest_week(con: duckdb.DuckDBPyConnection) -> date | None:
    """The default week to test: the last week of the bulk of the data (the data_window view)."""
    return one_row(con, sql("shifts/latest_week"))[0]


def articles_after(con: duckdb.DuckDBPyConnection, week: date) -> int:
    """Scored articles published after `week` (the default week leaves them out when they lie outside the
    bulk of the data)."""
    return int(one_row(con, sql("shifts/articles_after"), {"week": week})[0] or 0)


def current_model(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(sql("shifts/current_model")).fetchone()
    return row[0] if row else None


def cells(con: duckdb.DuckDBPyConnection, week: date) -> list[dict[str, Any]]:
    """Every outlet x label of `week` with its share, baseline and z (outlet_vs_baseline)."""
    cur = con.execute(sql("shifts/candidates"), {"week": week})
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
    """The articles behind an alert: those that use the label most (a rise) or least (a fall)."""
    params = {"outlet_id": outlet_id, "week": week, "dimension": dimension, "label": label, "up": up}
    return [row[0] for row in con.execute(sql("shifts/evidence"), {**params, "limit": limit}).fetchall()]


def replace_week(
    con: duckdb.DuckDBPyConnection,
    week: date,
    model_version: str,
    checked_at: datetime,
    tests: Sequence[dict[str, Any]],
    summary: str,
) -> None:
    """Store the week's tests and its summary for `model_version` (an earlier check of the week replaced)."""
    # a test is a cell of `cells()` with its result: its z statistic gave p and q, which are what is kept
    batch = arrow_rows(con, "shift_tests", tests, TEST_COLUMNS, elsewhere=("z",))
    check = {
        "week": week,
        "model_version": model_version,
        "checked_at": checked_at,
        "n_outlets": len({t["outlet_id"] for t in tests}),
        "n_tested": sum(1 for t in tests if t["p_value"] is not None),
        "n_alerts": sum(1 for t in tests if t["alert"]),
        "summary": summary,
    }
    with transaction(con, batch) as cur:
        execute_file(cur, "shifts/clear_week", {"week": week, "model_version": model_version})
        if batch.num_rows:
            execute_file(cur, "shifts/insert_tests")
        execute_file(cur, "shifts/insert_check", check)


def last_check(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The most recent check (week, summary, counts), or None."""
    cur = con.execute(sql("shifts/last_check"))
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None
