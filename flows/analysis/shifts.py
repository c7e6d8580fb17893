"""Shift detection: flag outlet x frame and outlet x slant changes that are unlikely given the outlet's own
history, and say what was tested and why nothing (or what) fired (a weekly job; `framewatch shifts`).

The test, per outlet, label (each frame; each slant class) and tested week W (a Monday):
    this week:  the estimated share (mean calibrated probability) over the outlet's n articles;
    baseline:   the same over the outlet's N articles of the 12 weeks before W.
    z = (share - baseline share) / sqrt(var/n + var_baseline/N)   (Welch; article-level variances),
    two-sided p from the normal distribution.
All tests of the week are corrected together with Benjamini-Hochberg (false discovery rate); an alert
needs q < `fdr` and an absolute change of at least `min_diff`. Cells with fewer than `min_articles`
articles this week, `min_baseline_articles` in the baseline or `min_baseline_weeks` baseline weeks are
not tested and are stored with that reason. Weeks are treated as independent samples of the outlet's
articles; news cycles make real weeks more variable than that (overdispersion), which the effect-size
floor and the FDR control partly absorb."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import numpy as np

from flows.analysis.weeks import monday
from warehouse import shifts_store
from warehouse.load import now

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
            f"Welch z on estimated shares vs own 12-week baseline; BH q<{self.fdr}; |diff|>={self.min_diff}; "
            f"n>={self.min_articles}, N>={self.min_baseline_articles}, weeks>={self.min_baseline_weeks}"
        )


def _skip_reason(cell: dict[str, Any], params: ShiftParams) -> str | None:
    if cell["n_articles"] < params.min_articles:
        return f"not tested: {cell['n_articles']} articles this week (needs {params.min_articles})"
    if cell["baseline_weeks"] < params.min_baseline_weeks:
        return (
            f"not tested: {cell['baseline_weeks']} of the 12 weeks before have articles "
            f"(needs {params.min_baseline_weeks})"
        )
    if cell["baseline_articles"] < params.min_baseline_articles:
        need = params.min_baseline_articles
        return f"not tested: {cell['baseline_articles']} baseline articles (needs {need})"
    if cell["z"] is None:
        return "not tested: no variation in this week or its baseline"
    return None


def two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z: 2 * scipy.stats.norm.sf(|z|)."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def bh_qvalues(pvals: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), as scipy.stats.false_discovery_control(p, "bh"):
    sorted p times m / rank, made monotone from the largest down, clipped to [0, 1]. Written here because
    importing scipy.stats costs about a second of every run that reports."""
    p = np.asarray(pvals, dtype=np.float64)
    m = len(p)
    if m <= 1:
        return p.copy()
    order = np.argsort(p)
    q = p[order] * (m / np.arange(1, m + 1, dtype=np.float64))
    q = np.minimum.accumulate(q[::-1])[::-1]
    out = np.empty(m)
    out[order] = q
    return np.clip(out, 0.0, 1.0)


def evaluate_week(
    con: duckdb.DuckDBPyConnection, week: date, params: ShiftParams = ShiftParams()
) -> list[dict[str, Any]]:
    """Every outlet x label of `week`: tested ones with p, q, alert and why; skipped ones with why."""
    cells = shifts_store.cells(con, week)
    tested = [c for c in cells if _skip_reason(c, params) is None]
    pvals = np.array([two_sided_p(c["z"]) for c in tested])
    qvals = bh_qvalues(pvals)
    for c, p, q in zip(tested, pvals, qvals, strict=True):
        c["p_value"], c["q_value"] = float(p), float(q)
        big = abs(c["diff"]) >= params.min_diff
        c["alert"] = bool(q < params.fdr and big)
        if c["alert"]:
            c["reason"] = f"alert: {c['diff']:+.2f} vs baseline, q={q:.3g}"
        elif not big:
            c["reason"] = f"no alert: change {c['diff']:+.2f} is under {params.min_diff}"
        else:
            c["reason"] = f"no alert: change {c['diff']:+.2f} could be chance (q={q:.2g} >= {params.fdr})"
    for c in cells:
        if "alert" not in c:
            c.update(p_value=None, q_value=None, alert=False, reason=_skip_reason(c, params))
    return cells


def summarize(week: date, cells: list[dict[str, Any]], params: ShiftParams) -> str:
    """One line: what was tested, and why nothing fired or what did."""
    outlets = len({c["outlet_id"] for c in cells})
    tested = [c for c in cells if c["p_value"] is not None]
    alerts = [c for c in tested if c["alert"]]
    head = f"week of {week}: {outlets} outlets, {len(tested)} of {len(cells)} outlet x label cells tested"
    if not cells:
        return f"week of {week}: no scored articles that week; nothing to test"
    if alerts:
        top = max(alerts, key=lambda c: abs(c["diff"]))
        return (
            f"{head}; {len(alerts)} alert(s), largest: {top['label']} at {top['outlet_id']} "
            f"{top['baseline_share']:.0%} -> {top['share']:.0%} (q={top['q_value']:.2g})"
        )
    if not tested:
        reasons: dict[str, int] = {}
        for c in cells:
            key = c["reason"].split(":")[1].split("(")[0].strip() if ":" in c["reason"] else c["reason"]
            reasons[key] = reasons.get(key, 0) + 1
        common = max(reasons, key=lambda k: reasons[k])
        return (
            f"{head}; no alerts: nothing could be tested ({common}; needs {params.min_articles} articles "
            f"this week and {params.min_baseline_weeks} baseline weeks with {params.min_baseline_articles} "
            "articles)"
        )
    top = max(tested, key=lambda c: abs(c["diff"]))
    return (
        f"{head}; no alerts: the largest change was {top['label']} at {top['outlet_id']} "
        f"{top['diff']:+.2f} (q={top['q_value']:.2g}; an alert needs q < {params.fdr} and |change| >= "
        f"{params.min_diff})"
    )


def detect_shifts(
    con: duckdb.DuckDBPyConnection, week: date | None = None, params: ShiftParams = ShiftParams()
) -> dict[str, Any]:
    """Test `week` (a Monday; default: the last week of the bulk of the data, data_window), store every
    test with its reason and the week's one-line summary (replacing an earlier check of that week and
    model). Returns {"week", "summary", "alerts", "tests"}."""
    chosen = week is None
    if week is not None:
        week = monday(week)
    week = week or shifts_store.latest_week(con)
    model = shifts_store.current_model(con)
    if week is None or model is None:
        summary = "no scored articles yet: nothing to test"
        log.info(summary)
        return {"week": None, "summary": summary, "alerts": [], "tests": 0}
    cells = evaluate_week(con, week, params)
    checked = now()
    for c in cells:
        c["evidence_article_ids"] = (
            shifts_store.evidence(
                con, c["outlet_id"], week, c["dimension"], c["label"], c["diff"] > 0, params.evidence_articles
            )
            if c["alert"]
            else []
        )
        c.update(week=week, model_version=model, checked_at=checked, test=params.describe())
    summary = summarize(week, cells, params)
    later = shifts_store.articles_after(con, week) if chosen else 0
    if later:
        summary += (
            f" (the last week of the bulk of the data; {later} article(s) dated later lie outside it: "
            "--week tests another week)"
        )
    shifts_store.replace_week(con, week, model, checked, cells, summary)
    alerts = [c for c in cells if c["alert"]]
    log.info(summary)
    return {"week": week, "summary": summary, "alerts": alerts, "tests": len(cells)}
