"""Layered views: staging -> intermediate -> marts, one model version at a time, rollups equal live."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pytest

from tests.warehouse.synthetic import article, prediction, weekly_outlet
from warehouse import bulk, load, predictions
from warehouse.db import connect
from warehouse.marts import refresh_marts, rollups_fresh, uses_rollups
from warehouse.sqlfiles import views

MARTS = [
    "article_scores",
    "frame_share_daily",
    "frame_share_weekly",
    "frame_share_monthly",
    "outlet_summary",
    "slant_tone_daily",
    "slant_tone_weekly",
    "outlet_vs_baseline",
    "outlet_vs_peers",
    "headline_vs_body",
    "headline_vs_body_outlet",
    "story_comparison",
    "story_outlet_frames",
    "shift_alert_evidence",
]


def _all(con, view):
    return sorted(
        con.execute(f"select * from {view}").fetchall(), key=repr
    )  # test-only: view names are constants


def test_views_are_layered_and_documented():
    names = [n for n, _ in views()]
    layers = [n.split("/")[0] for n in names]
    assert layers == sorted(layers, key=["staging", "intermediate", "marts"].index)
    for name, text in views():
        assert text.lstrip().startswith("--"), f"{name} has no header comment"
        assert "Columns:" in text, f"{name} does not document its columns"
        assert "select * from final" in text


def test_marts_use_only_the_current_model(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(con, [{"outlet_id": "a", "name": "Alpha", "lean_prior": "left"}])
    load.insert_articles(con, [article("1", "a", date(2026, 11, 2)), article("2", "a", date(2026, 11, 9))])
    load.register_model(con, "v1", "m", {})
    predictions.insert_predictions(
        con,
        [prediction("1", "v1", ["Economic"], "left", 0.5), prediction("2", "v1", ["Economic"], "left", 0.5)],
    )
    load.register_model(con, "v2", "m", {})
    predictions.insert_predictions(con, [prediction("1", "v2", ["Political"], "right", -0.5)])
    # only article 1 has a v2 prediction: v2 marts show it alone, never v1's article 2
    assert con.execute("select count(*), max(model_version) from article_scores").fetchone() == (1, "v2")
    assert con.execute("select frame from frame_share_monthly").fetchall() == [("Political",)]
    assert con.execute("select n_articles, slant_right, mean_tone from slant_tone_daily").fetchone() == (
        1,
        1.0,
        -0.5,
    )
    assert con.execute(
        "select distinct label from outlet_vs_baseline where dimension = 'frame'"
    ).fetchall() == [("Political",)]


def test_rollups_give_the_same_answers_as_live_views(corpus_copy):
    con = connect(corpus_copy)
    assert not uses_rollups(con)
    live = {v: _all(con, v) for v in MARTS}
    built = refresh_marts(con)
    assert uses_rollups(con) and rollups_fresh(con) and built["n_predictions"] > 60
    for v in MARTS:
        assert _all(con, v) == live[v], v
    load.insert_articles(con, [article("late", "metro-wire", date(2026, 11, 30))])
    assert not rollups_fresh(con)  # a write after the refresh is detected
    con.close()
    con = connect(corpus_copy)  # a writable connection goes back to live views
    assert not uses_rollups(con)


def test_compact_bulk_layout_reads_like_the_map_layout(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.insert_articles(con, [article("1", "a", date(2026, 11, 2)), article("2", "a", date(2026, 11, 3))])
    load.register_model(con, "v1", "m", {})
    predictions.insert_predictions(con, [prediction("1", "v1", ["Economic"], "left", 0.25)])
    with pytest.raises(bulk.BulkLoadError, match="record_label_set"):
        bulk.insert_predictions_arrow(con, _compact("2", "v1"))
    bulk.record_label_set(con, "v1", ["Economic", "Other"], ["left", "center", "right"])
    bulk.insert_predictions_arrow(con, _compact("2", "v1"))
    rows = con.execute(
        "select article_id, frame_probs, slant_probs['left'], slant from current_predictions "
        "order by article_id"
    ).fetchall()
    assert rows[0][1] == {"Economic": 0.9, "Other": 0.01}
    assert rows[1][1] == pytest.approx({"Economic": 0.75, "Other": 0.25})
    assert rows[1][2] == pytest.approx(0.7) and rows[1][3] == "left"
    assert con.execute("select slant_left from article_scores where article_id = '2'").fetchone()[
        0
    ] == pytest.approx(0.7)


def _compact(aid: str, version: str) -> pa.Table:
    return pa.Table.from_pylist(
        [
            dict(
                article_id=aid,
                model_version=version,
                scored_at=datetime(2026, 12, 1),
                run_id="r",
                frame_probs=[0.75, 0.25],
                frames=["Economic"],
                primary_frame="Economic",
                slant_probs=[0.7, 0.2, 0.1],
                slant="left",
                tone_score=0.0,
                tone="neutral",
                evidence=None,
            )
        ],
        schema=bulk.COMPACT_SCHEMA,
    )


def test_rolling_windows_baseline_and_peers(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(
        con, [{"outlet_id": o, "name": o.upper(), "lean_prior": "left"} for o in ("a", "b", "c")]
    )
    load.register_model(con, "v1", "m", {})
    weekly_outlet(con, "a", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={13: 0.8})
    weekly_outlet(con, "b", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={})
    weekly_outlet(con, "c", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={13: 0.4})
    last = date(2026, 4, 6)  # week 13
    row = con.execute(
        "select share, baseline_weeks, baseline_articles, baseline_share, diff from outlet_vs_baseline "
        "where outlet_id = 'a' and week = ? and dimension = 'frame' and label = 'Economic'",
        [last],
    ).fetchone()
    assert row == pytest.approx((0.8, 12, 120, 0.2, 0.6))
    peers = con.execute(
        "select outlet_id, peer_outlets, peer_median_share, diff_from_peers from outlet_vs_peers "
        "where week = ? and dimension = 'frame' and label = 'Economic' order by outlet_id",
        [last],
    ).fetchall()
    assert peers == [
        ("a", 3, pytest.approx(0.4), pytest.approx(0.4)),
        ("b", 3, pytest.approx(0.4), pytest.approx(-0.2)),
        ("c", 3, pytest.approx(0.4), pytest.approx(0.0)),
    ]
    # 4-week rolling slant share: half the articles are left every week
    w = con.execute(
        "select n_articles_4w, slant_left_4w from slant_tone_weekly where outlet_id = 'a' and week = ?",
        [last],
    ).fetchone()
    assert w == (40, 0.5)
    d = con.execute(
        "select n_articles_7d, n_articles_28d from slant_tone_daily where outlet_id = 'a' and day = ?",
        [date(2026, 4, 10)],
    ).fetchone()
    assert d == (10, 40)


def test_headline_vs_body(corpus_db):
    con = connect(corpus_db, read_only=True)
    n, agree, jac = con.execute(
        "select count(*), avg(primary_match::int), min(frames_jaccard) from headline_vs_body"
    ).fetchone()
    assert n == 64 and agree == 1.0 and 0 < jac <= 1  # fixture: headline frames = the article's primary frame
    row = con.execute(
        "select headline_share, body_share, diff from headline_vs_body_outlet "
        "where outlet_id = 'harbor-ledger' and frame = 'Fairness and equality'"
    ).fetchone()
    assert row[1] >= row[0] and row[2] == pytest.approx(row[0] - row[1])
