"""Marts: layered, documented views over mart tables that a refresh keeps up to date after each run; the
current model only; an incremental refresh gives exactly what a full rebuild gives; shares are estimates
with Wilson intervals, never narrower than a bootstrap over the probabilities; lifts cancel frames every
outlet uses; one storage layout. (Small numbers: tests/warehouse/test_small_numbers.py.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from tests.warehouse.synthetic import FRAMES, article, prediction, weekly_outlet
from warehouse import load, predictions
from warehouse.db import connect
from warehouse.marts import marts_fresh, refresh_marts, state
from warehouse.schema import arrow_schema
from warehouse.sqlfiles import views

MARTS = [
    "article_scores",
    "frame_share",
    "frame_share_daily",
    "frame_share_weekly",
    "frame_share_monthly",
    "frame_lift",
    "frame_share_change",
    "slant_share",
    "outlet_summary",
    "slant_tone_daily",
    "slant_tone_weekly",
    "outlet_vs_baseline",
    "outlet_vs_peers",
    "headline_vs_body",
    "headline_vs_body_outlet",
    "story_comparison",
    "story_outlet_frames",
    "story_coverage",
    "story_blindspots",
    "thread_outlet_frames",
    "topic_coverage_weekly",
    "data_window",
]
TABLES = ["mart_articles", "mart_frame_cells", "mart_slant_cells"]


def _all(con, relation):
    """Every row, floats rounded to 9 digits (sums of floats depend on the order DuckDB adds them in)."""
    rows = con.execute(f"select * from {relation}").fetchall()  # test-only: relation names are constants
    return sorted((tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows), key=repr)


def test_views_are_layered_and_documented():
    names = [n for n, _ in views()]
    assert names[0] == "intervals"  # the interval macros every mart view uses come first
    layers = [n.split("/")[0] for n in names[1:]]
    assert layers == sorted(layers, key=["staging", "intermediate", "marts"].index)
    for name, text in views():
        assert text.lstrip().startswith("--"), f"{name} has no header comment"
        if name == "intervals":
            assert "Macros:" in text and "create or replace view" not in text
            continue
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
    assert refresh_marts(con)["mode"] == "full"
    # only article 1 has a v2 prediction: v2 marts show it alone, never v1's article 2
    assert con.execute("select count(*), max(model_version) from article_scores").fetchone() == (1, "v2")
    assert con.execute("select frame from frame_share_monthly where n_with_frame > 0").fetchall() == [
        ("Political",)
    ]
    assert con.execute("select n_articles, slant_right, mean_tone from slant_tone_daily").fetchone() == (
        1,
        pytest.approx(0.8),
        -0.5,
    )


def test_views_mean_the_same_whoever_opened_the_file_last(corpus_copy):
    con = connect(corpus_copy)
    before = {v: _all(con, v) for v in MARTS}
    con.close()
    con = connect(corpus_copy)  # a new writable connection recreates the views: same answers
    assert {v: _all(con, v) for v in MARTS} == before
    assert marts_fresh(con)
    load.insert_articles(con, [article("late", "metro-wire", date(2026, 11, 30))])
    load.register_model(con, "writer-v1", "writer-intended", {})
    predictions.insert_predictions(con, [prediction("late", "writer-v1", ["Economic"])])
    assert not marts_fresh(con)  # a write after the refresh is detected ...
    assert {v: _all(con, v) for v in MARTS} == before  # ... and the marts stay as refreshed until the next
    assert refresh_marts(con)["mode"] == "incremental"
    assert marts_fresh(con)
    assert con.execute("select count(*) from article_scores where article_id = 'late'").fetchone() == (1,)


def test_incremental_refresh_equals_a_full_rebuild(corpus_copy):
    con = connect(corpus_copy)
    assert refresh_marts(con)["mode"] == "unchanged"  # the corpus fixture refreshed already
    # new articles on new and existing days, a re-scored article and a topic change
    days = [date(2026, 11, 2), date(2026, 11, 30), date(2025, 1, 20)]
    new = [article(f"n{i}", "harbor-ledger" if i % 2 else "iron-lantern", days[i % 3]) for i in range(9)]
    load.insert_articles(con, new)
    later = datetime(2026, 12, 2)
    rows = [
        prediction(a["article_id"], "writer-v1", [FRAMES[i % 14]], scored_at=later) for i, a in enumerate(new)
    ]
    first = con.execute("select article_id from mart_articles order by article_id limit 1").fetchone()[0]
    rows.append(prediction(first, "writer-v1", ["Morality"], "right", scored_at=later))
    predictions.insert_predictions(con, rows)
    con.execute(
        "insert into article_topics values (?, 'immigration', 'taxonomy', 't1', 2.0, ?)", [first, later]
    )
    done = refresh_marts(con)
    assert done["mode"] == "incremental" and done["articles_changed"] == 10
    incremental = {t: _all(con, t) for t in TABLES}
    views_incremental = {v: _all(con, v) for v in MARTS}
    assert refresh_marts(con, full=True)["mode"] == "full"
    assert {t: _all(con, t) for t in TABLES} == incremental
    assert {v: _all(con, v) for v in MARTS} == views_incremental
    topic = con.execute("select topic from article_scores where article_id = ?", [first]).fetchone()
    assert topic == ("immigration",)


def test_one_prediction_layout_for_every_writer(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.insert_articles(con, [article("1", "a", date(2026, 11, 2)), article("2", "a", date(2026, 11, 3))])
    load.register_model(con, "v1", "m", {})
    predictions.insert_predictions(con, [prediction("1", "v1", ["Economic"], "left", 0.25)])
    probs = [0.75 if f == "Economic" else 0.0 for f in FRAMES]
    bulk = pa.Table.from_pylist(
        [
            dict(
                article_id="2",
                model_version="v1",
                scored_at=datetime(2026, 12, 1),
                run_id="r",
                frame_probs=probs,
                frames=["Economic"],
                primary_frame="Economic",
                slant_probs=[0.7, 0.2, 0.1],
                slant="left",
                tone_score=0.0,
                tone="neutral",
                evidence=None,
            )
        ],
        schema=arrow_schema(con, "predictions", predictions.PREDICTION_COLUMNS),
    )
    assert predictions.insert_predictions_arrow(con, bulk) == 1
    with pytest.raises(predictions.PredictionLoadError, match="record_label_set"):
        predictions.insert_predictions_arrow(con, bulk.set_column(1, "model_version", pa.array(["v9"])))
    with pytest.raises(predictions.PredictionLoadError, match="not in its recorded label set"):
        bad = prediction("1", "v1", ["Economic"])
        bad["frame_probs"] = {**bad["frame_probs"], "Astrology": 0.5}
        predictions.insert_predictions(con, [bad])
    rows = con.execute(
        "select article_id, frame_probs['Economic'], slant_probs['left'], slant from current_predictions "
        "order by article_id"
    ).fetchall()
    assert rows == [
        ("1", pytest.approx(0.9), pytest.approx(0.8), "left"),
        ("2", 0.75, pytest.approx(0.7), "left"),
    ]
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "predictions_compact" not in tables  # one table


def test_share_interval_is_wilsons_and_never_narrower_than_a_bootstrap(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    rng = np.random.default_rng(3)
    n = 60
    load.insert_articles(con, [article(f"a{i}", "o", date(2026, 11, 2)) for i in range(n)])
    load.register_model(con, "v1", "m", {})
    p = rng.beta(0.6, 1.8, n)  # skewed per-article probabilities of one frame
    rows = []
    for i in range(n):
        row = prediction(f"a{i}", "v1", ["Political"])
        row["frame_probs"] = {**row["frame_probs"], "Economic": float(p[i])}
        rows.append(row)
    predictions.insert_predictions(con, rows)
    refresh_marts(con)
    share, lo, hi = con.execute(
        "select share, share_lo, share_hi from frame_share where grain = 'day' and frame = 'Economic'"
    ).fetchone()
    z = 1.645
    centre = (p.mean() + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p.mean() * (1 - p.mean()) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    boot = rng.choice(p, (20_000, n)).mean(1)
    assert share == pytest.approx(p.mean(), abs=1e-6)
    assert (lo, hi) == (pytest.approx(centre - half, abs=1e-6), pytest.approx(centre + half, abs=1e-6))
    # whether an article uses the frame is a yes / no: the spread of the probabilities understates it
    assert lo <= np.quantile(boot, 0.05) and hi >= np.quantile(boot, 0.95)


def test_lift_cancels_frames_every_outlet_uses_and_flags_distinctive_ones(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(con, [{"outlet_id": o, "name": o.upper(), "lean_prior": "center"} for o in "abc"])
    load.register_model(con, "v1", "m", {})
    arts, rows = [], []
    for o in "abc":
        for i in range(40):
            aid = f"{o}{i}"
            arts.append(article(aid, o, date(2026, 11, 2) + timedelta(days=i % 5)))
            frames = ["Political"] + (["Crime and punishment"] if o == "a" and i % 2 else [])
            rows.append(prediction(aid, "v1", frames))
    load.insert_articles(con, arts)
    predictions.insert_predictions(con, rows)
    refresh_marts(con)
    lifts = dict(
        con.execute(
            "select outlet_id || '/' || frame, (lift, stands_out) from frame_lift "
            "where grain = 'all' and topic = '*' and frame in ('Political', 'Crime and punishment')"
        ).fetchall()
    )
    assert lifts["a/Political"][0] == pytest.approx(1.0) and not lifts["a/Political"][1]
    assert lifts["a/Crime and punishment"][0] > 5 and lifts["a/Crime and punishment"][1]
    summary = dict(con.execute("select outlet_id, distinctive_frames from outlet_summary").fetchall())
    assert summary["a"].startswith("Crime and punishment 46% vs 2%") and summary["b"] is None


def test_period_change_this_month_vs_last(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.register_model(con, "v1", "m", {})
    arts, rows = [], []
    for m, month in enumerate((date(2026, 10, 5), date(2026, 11, 2))):
        for i in range(30):
            aid = f"m{m}-{i}"
            arts.append(article(aid, "o", month + timedelta(days=i % 20)))
            rows.append(
                prediction(aid, "v1", ["Crime and punishment"] if (m == 1 and i < 20) else ["Economic"])
            )
    load.insert_articles(con, arts)
    predictions.insert_predictions(con, rows)
    refresh_marts(con)
    row = con.execute(
        "select previous_period, n_articles, n_before, diff, diff_lo > 0, changed from frame_share_change "
        "where grain = 'month' and period = date '2026-11-01' and topic = '*' "
        "and frame = 'Crime and punishment'"
    ).fetchone()
    assert row[:3] == (date(2026, 10, 1), 30, 30)
    assert row[3] == pytest.approx(20 / 30 * (0.9 - 0.02)) and row[4] and row[5]


def test_rolling_windows_baseline_and_peers(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(
        con, [{"outlet_id": o, "name": o.upper(), "lean_prior": "left"} for o in ("a", "b", "c")]
    )
    load.register_model(con, "v1", "m", {})
    weekly_outlet(con, "a", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={13: 0.8})
    weekly_outlet(con, "b", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={})
    weekly_outlet(con, "c", date(2026, 1, 5), weeks=14, per_week=10, share_by_week={13: 0.4})
    refresh_marts(con)
    last = date(2026, 4, 6)  # week 13

    # estimated shares: an article carrying the frame has probability 0.9, the others 0.02
    def est(k):
        return k * 0.9 + (1 - k) * 0.02

    row = con.execute(
        "select share, baseline_weeks, baseline_articles, baseline_share, diff from outlet_vs_baseline "
        "where outlet_id = 'a' and week = ? and dimension = 'frame' and label = 'Economic'",
        [last],
    ).fetchone()
    assert row == pytest.approx((est(0.8), 12, 120, est(0.2), est(0.8) - est(0.2)))
    peers = con.execute(
        "select outlet_id, peer_outlets, peer_median_share, diff_from_peers from outlet_vs_peers "
        "where week = ? and dimension = 'frame' and label = 'Economic' order by outlet_id",
        [last],
    ).fetchall()
    assert peers == [
        ("a", 3, pytest.approx(est(0.4)), pytest.approx(est(0.8) - est(0.4))),
        ("b", 3, pytest.approx(est(0.4)), pytest.approx(est(0.2) - est(0.4))),
        ("c", 3, pytest.approx(est(0.4)), pytest.approx(0.0)),
    ]
    # 4-week rolling slant: half the articles lean left (p 0.8), half right (left p 0.1)
    w = con.execute(
        "select n_articles_4w, slant_left_4w from slant_tone_weekly where outlet_id = 'a' and week = ?",
        [last],
    ).fetchone()
    assert w == (40, pytest.approx(0.45))
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
    assert state(con).mode == "full"
