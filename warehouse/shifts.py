"""Shift detection: flag outlet x frame and outlet x slant changes that are unlikely given the outlet's own
history, and store them as alerts with the evidence articles (a weekly job; `framewatch shifts`).

The test, per outlet, label (each frame; each slant class) and tested week W:
    this week:  k of n articles carry the label;  baseline (the 12 weeks before W): K of N.
    Fisher's exact test (two-sided) on the 2x2 table [[k, n-k], [K, N-K]]: is the share this week
    different from the outlet's own baseline share?
All tests of the week are corrected together with Benjamini-Hochberg (false discovery rate); an alert
needs q < `fdr`, an absolute change of at least `min_diff`, n >= `min_articles`, N >= `min_baseline_articles`
and at least `min_baseline_weeks` baseline weeks with articles. Weeks are treated as independent samples of
the outlet's articles; news cycles make real weeks more variable than that (overdispersion), which the
effect-size floor and the FDR control partly absorb."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from scipy.stats import false_discovery_control, fisher_exact

from warehouse.load import now
from warehouse.sqlfiles import sql

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShiftParams:
    fdr: float = 0.05
    min_diff: float = 0.10
    min_articles: int = 5
    min_baseline_articles: int = 20
    min_baseline_weeks: int = 4
    evidence_articles: int = 5

    def describe(self) -> str:
        return (
            f"fisher_exact two-sided vs own 12-week baseline; BH q<{self.fdr}; |diff|>={self.min_diff}; "
            f"n>={self.min_articles}, N>={self.min_baseline_articles}, weeks>={self.min_baseline_weeks}"
        )


def latest_week(con: duckdb.DuckDBPyConnection) -> date | None:
    """The most recent week with scored articles (the default week to test)."""
    return con.execute(sql("shifts_latest_week")).fetchone()[0]


def evaluate_week(
    con: duckdb.DuckDBPyConnection, week: date, params: ShiftParams = ShiftParams()
) -> list[dict[str, Any]]:
    """Every outlet x label of `week` with enough data, with p, q and whether it is an alert."""
    cur = con.execute(
        sql("shifts_candidates"),
        {
            "week": week,
            "min_articles": params.min_articles,
            "min_baseline_articles": params.min_baseline_articles,
            "min_baseline_weeks": params.min_baseline_weeks,
        },
    )
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    if not rows:
        return []
    pvals = np.array(
        [
            fisher_exact(
                [
                    [r["n_with_label"], r["n_articles"] - r["n_with_label"]],
                    [r["baseline_with_label"], r["baseline_articles"] - r["baseline_with_label"]],
                ]
            )[1]
            for r in rows
        ]
    )
    qvals = false_discovery_control(pvals, method="bh")
    for r, p, q in zip(rows, pvals, qvals, strict=True):
        r["p_value"], r["q_value"] = float(p), float(q)
        r["direction"] = "up" if r["share"] > r["baseline_share"] else "down"
        r["alert"] = bool(q < params.fdr and abs(r["share"] - r["baseline_share"]) >= params.min_diff)
    return rows


def detect_shifts(
    con: duckdb.DuckDBPyConnection, week: date | None = None, params: ShiftParams = ShiftParams()
) -> list[dict[str, Any]]:
    """Test `week` (default: the latest) and store its alerts (replacing earlier alerts of that week and
    model) with their evidence articles. Returns the alerts."""
    week = week or latest_week(con)
    if week is None:
        log.info("no scored articles: no shifts to test")
        return []
    model = con.execute(sql("shifts_current_model")).fetchone()
    if model is None:
        return []
    alerts = [r for r in evaluate_week(con, week, params) if r["alert"]]
    detected = now()
    for a in alerts:
        a["evidence_article_ids"] = [
            row[0]
            for row in con.execute(
                sql("shifts_evidence"),
                {
                    "outlet_id": a["outlet_id"],
                    "week": week,
                    "dimension": a["dimension"],
                    "label": a["label"],
                    "up": a["direction"] == "up",
                    "limit": params.evidence_articles,
                },
            ).fetchall()
        ]
        a.update(
            alert_id="|".join([a["outlet_id"], a["dimension"], a["label"], str(week), model[0]]),
            detected_at=detected,
            model_version=model[0],
            week=week,
            test=params.describe(),
        )
    cols = [
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
    ]
    batch = pa.Table.from_pylist([{c: a[c] for c in cols} for a in alerts], schema=_ALERT_SCHEMA)
    cur = con.cursor()
    try:
        cur.register("batch", batch)
        cur.execute("begin transaction")
        try:
            cur.execute(sql("shifts_clear_week"), {"week": week, "model_version": model[0]})
            cur.execute(sql("shifts_insert_alerts"))
            cur.execute("commit")
        except Exception:
            cur.execute("rollback")
            raise
    finally:
        cur.unregister("batch")
        cur.close()
    log.info("week %s: %d shift alerts", week, len(alerts))
    return [{c: a[c] for c in cols} for a in alerts]


_ALERT_SCHEMA = pa.schema(
    [
        ("alert_id", pa.string()),
        ("detected_at", pa.timestamp("us")),
        ("model_version", pa.string()),
        ("outlet_id", pa.string()),
        ("dimension", pa.string()),
        ("label", pa.string()),
        ("week", pa.date32()),
        ("n_articles", pa.int64()),
        ("n_with_label", pa.int64()),
        ("share", pa.float64()),
        ("baseline_weeks", pa.int64()),
        ("baseline_articles", pa.int64()),
        ("baseline_with_label", pa.int64()),
        ("baseline_share", pa.float64()),
        ("direction", pa.string()),
        ("test", pa.string()),
        ("p_value", pa.float64()),
        ("q_value", pa.float64()),
        ("evidence_article_ids", pa.list_(pa.string())),
    ]
)
