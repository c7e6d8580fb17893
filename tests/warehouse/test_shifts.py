"""Shift detection: Fisher's exact test against the outlet's own baseline, BH-corrected, with evidence."""

from __future__ import annotations

from datetime import date

from flows.analysis.shifts import detect_shifts, evaluate_week
from tests.warehouse.synthetic import weekly_outlet
from warehouse import load
from warehouse.db import connect

WEEK = date(2026, 4, 6)  # week 13 of the synthetic series


def _warehouse(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(con, [{"outlet_id": o, "name": o} for o in ("jumpy", "steady")])
    load.register_model(con, "v1", "m", {})
    weekly_outlet(con, "jumpy", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={13: 0.8})
    weekly_outlet(con, "steady", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={13: 0.3})
    return con


def test_a_real_shift_is_flagged_with_evidence(tmp_path):
    con = _warehouse(tmp_path)
    alerts = detect_shifts(con)  # default: the latest week
    frame_alerts = [a for a in alerts if a["dimension"] == "frame"]
    assert [(a["outlet_id"], a["label"], a["direction"]) for a in frame_alerts] == [
        ("jumpy", "Economic", "up"),
        ("jumpy", "Political", "down"),
    ]
    up = frame_alerts[0]
    assert up["week"] == WEEK and up["share"] == 0.8 and up["baseline_share"] == 0.2
    assert up["q_value"] < 0.05 and "fisher_exact" in up["test"]
    assert len(up["evidence_article_ids"]) == 5 and all(
        a.startswith("jumpy-013") for a in up["evidence_article_ids"]
    )
    stored = con.execute(
        "select count(*), count(distinct article_id) from shift_alert_evidence "
        "where outlet_id = 'jumpy' and label = 'Economic'"
    ).fetchone()
    assert stored == (1 * 5, 5)
    assert detect_shifts(con) == [] or con.execute("select count(*) from shift_alerts").fetchone()[0] == len(
        alerts
    )


def test_noise_is_not_flagged(tmp_path):
    con = _warehouse(tmp_path)
    rows = evaluate_week(con, WEEK)
    steady = [r for r in rows if r["outlet_id"] == "steady"]
    assert steady and not any(r["alert"] for r in steady)  # 20% -> 30% of 10 articles is not unlikely
    assert not any(r["alert"] for r in rows if r["dimension"] == "slant")  # slant is half/half every week
