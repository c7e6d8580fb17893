"""Shift checks: estimated shares against the outlet's own baseline (Welch z, BH-corrected), with evidence,
every tested cell stored with its reason, and a one-line summary of what was tested and why nothing fired."""

from __future__ import annotations

from datetime import date

import pytest

from flows.analysis.shifts import detect_shifts, evaluate_week
from flows.analysis.weeks import WeekError
from tests.warehouse.synthetic import weekly_outlet
from warehouse import load, shifts_store
from warehouse.db import connect
from warehouse.marts import refresh_marts

WEEK = date(2026, 4, 6)  # week 13 of the synthetic series


def _warehouse(tmp_path, weeks: int = 14):
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(con, [{"outlet_id": o, "name": o} for o in ("jumpy", "steady")])
    load.register_model(con, "v1", "m", {})
    jump = {weeks - 1: 0.8}
    weekly_outlet(con, "jumpy", date(2026, 1, 5), weeks=weeks, per_week=10, share_by_week=jump)
    weekly_outlet(con, "steady", date(2026, 1, 5), weeks=weeks, per_week=10, share_by_week={weeks - 1: 0.3})
    refresh_marts(con)
    return con


def test_a_real_shift_is_flagged_with_evidence(tmp_path):
    con = _warehouse(tmp_path)
    result = detect_shifts(con)  # default: the latest week
    assert result["week"] == WEEK
    frame_alerts = [a for a in result["alerts"] if a["dimension"] == "frame"]
    assert [(a["outlet_id"], a["label"], a["diff"] > 0) for a in frame_alerts] == [
        ("jumpy", "Economic", True),
        ("jumpy", "Political", False),
    ]
    up = frame_alerts[0]
    # estimated shares: an article carrying the frame has probability 0.9, the others 0.02
    assert up["share"] == pytest.approx(0.8 * 0.9 + 0.2 * 0.02)
    assert up["baseline_share"] == pytest.approx(0.2 * 0.9 + 0.8 * 0.02)
    assert up["q_value"] < 0.05 and "Welch" in up["test"] and up["reason"].startswith("alert")
    assert len(up["evidence_article_ids"]) == 5 and all(
        a.startswith("jumpy-013") for a in up["evidence_article_ids"]
    )
    stored = con.execute(
        "select count(*), count(distinct article_id) from shift_alert_evidence "
        "where outlet_id = 'jumpy' and label = 'Economic'"
    ).fetchone()
    assert stored == (5, 5)
    again = detect_shifts(con)  # checking a week again replaces its tests
    assert con.execute("select count(*) from shift_alerts").fetchone()[0] == len(again["alerts"])
    assert "2 alert(s)" in again["summary"] or f"{len(again['alerts'])} alert(s)" in again["summary"]


def test_noise_is_not_flagged_and_every_test_says_why(tmp_path):
    con = _warehouse(tmp_path)
    rows = evaluate_week(con, WEEK)
    steady = [r for r in rows if r["outlet_id"] == "steady"]
    assert steady and not any(r["alert"] for r in steady)  # 20% -> 30% of 10 articles is not unlikely
    assert not any(r["alert"] for r in rows if r["dimension"] == "slant")  # slant is half/half every week
    assert all(r["reason"] for r in rows)
    economic = next(r for r in steady if r["label"] == "Economic")
    assert economic["reason"].startswith("no alert")


def test_too_little_history_is_reported_not_silent(tmp_path):
    con = _warehouse(tmp_path, weeks=3)  # 2 baseline weeks: nothing can be tested
    result = detect_shifts(con)
    assert result["alerts"] == []
    assert "nothing could be tested" in result["summary"] and "baseline weeks" in result["summary"]
    check = shifts_store.last_check(con)
    assert check["summary"] == result["summary"] and check["n_tested"] == 0
    reasons = {r[0] for r in con.execute("select reason from shift_tests").fetchall()}
    assert reasons and all(r.startswith("not tested") for r in reasons)


def test_a_week_that_is_not_a_monday_is_refused(tmp_path):
    con = _warehouse(tmp_path)
    with pytest.raises(WeekError, match="2026-04-08 is a Wednesday.*give 2026-04-06"):
        detect_shifts(con, date(2026, 4, 8))
    assert con.execute("select count(*) from shift_checks").fetchone()[0] == 0  # nothing stored


def test_p_and_q_values_are_scipys():
    """The shift test's p-values (two-sided normal) and Benjamini-Hochberg q-values, written without
    scipy.stats (a second of every reporting run's imports), equal scipy's."""
    import numpy as np
    from scipy.stats import false_discovery_control, norm

    from flows.analysis.shifts import bh_qvalues, two_sided_p

    z = np.concatenate([np.linspace(-9, 9, 721), [0.0, 1.96, -1.96, 1.96, 40.0]])  # ties and extremes
    p = np.array([two_sided_p(v) for v in z])
    assert np.allclose(p, 2 * norm.sf(np.abs(z)), rtol=1e-12, atol=1e-300)
    rng = np.random.default_rng(0)
    for pvals in (p, rng.uniform(size=50), rng.uniform(size=1), np.array([0.01, 0.01, 0.5, 0.04])):
        assert np.allclose(bh_qvalues(pvals), false_discovery_control(pvals, method="bh"), rtol=1e-14)
    assert bh_qvalues(np.array([])).shape == (0,)
