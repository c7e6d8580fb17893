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
from scipy.stats import false_discovery_control, fisher_exact

from warehouse import shifts_store
from warehouse.load import now
from warehouse.shifts_store import ALERT_COLUMNS

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


def evaluate_week(
    con: duckdb.DuckDBPyConnection, week: date, params: ShiftParams = ShiftParams()
) -> list[dict[str, Any]]:
    """Every outlet x label of `week` with enough data, with p, q and whether it is an alert."""
    rows = shifts_store.candidates(
        con, week, params.min_articles, params.min_baseline_articles, params.min_baseline_weeks
    )
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
    week = week or shifts_store.latest_week(con)
    if week is None:
        log.info("no scored articles: no shifts to test")
        return []
    model = shifts_store.current_model(con)
    if model is None:
        return []
    alerts = [r for r in evaluate_week(con, week, params) if r["alert"]]
    detected = now()
    for a in alerts:
        a["evidence_article_ids"] = shifts_store.evidence(
            con,
            a["outlet_id"],
            week,
            a["dimension"],
            a["label"],
            a["direction"] == "up",
            params.evidence_articles,
        )
        a.update(
            alert_id="|".join([a["outlet_id"], a["dimension"], a["label"], str(week), model]),
            detected_at=detected,
            model_version=model,
            week=week,
            test=params.describe(),
        )
    stored = [{c: a[c] for c in ALERT_COLUMNS} for a in alerts]
    shifts_store.replace_week(con, week, model, stored)
    log.info("week %s: %d shift alerts", week, len(alerts))
    return stored
