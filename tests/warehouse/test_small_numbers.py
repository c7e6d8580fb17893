"""Small numbers read as small numbers: no interval of zero width (an estimate from one article is never
reported as certain), `stands_out` and `changed` never on a handful of articles or on two tiny shares, and
the window of the data follows where the bulk of the articles is, not one stray article."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.warehouse.synthetic import FRAMES, article, prediction
from warehouse import load, predictions
from warehouse.db import connect
from warehouse.marts import refresh_marts

INTERVALS = {
    "frame_share": [("share", "share_lo", "share_hi")],
    "slant_share": [
        ("slant_left", "slant_left_lo", "slant_left_hi"),
        ("slant_right", "slant_right_lo", "slant_right_hi"),
        ("slant_score", "slant_score_lo", "slant_score_hi"),
        ("mean_tone", "tone_lo", "tone_hi"),
    ],
    "frame_lift": [("lift", "lift_lo", "lift_hi")],
    "frame_share_change": [("diff", "diff_lo", "diff_hi")],
}


def _certain() -> dict:
    """A prediction as sure as a model gets: every frame 0 or 1, one slant class with probability 1."""
    return {f: (1.0 if f == "Economic" else 0.0) for f in FRAMES}


def _warehouse(tmp_path, outlets: dict[str, int], day: date = date(2026, 11, 2), same_probs: bool = False):
    """`outlets`: outlet -> articles (two months: half in October, half in November)."""
    con = connect(tmp_path / "w.duckdb")
    load.upsert_outlets(con, [{"outlet_id": o, "name": o.upper(), "lean_prior": "left"} for o in outlets])
    load.register_model(con, "v1", "m", {})
    arts, rows = [], []
    for o, n in outlets.items():
        for i in range(n):
            aid = f"{o}{i}"
            arts.append(article(aid, o, (day if i % 2 else day - timedelta(days=31)) + timedelta(days=i % 3)))
            row = prediction(aid, "v1", ["Economic"] if i % 3 == 0 else ["Political"], "left", 0.3)
            if same_probs:  # every article the same: the spread of the probabilities is zero
                row["frame_probs"] = _certain()
                row["slant_probs"] = {"left": 1.0, "center": 0.0, "right": 0.0}
            rows.append(row)
    load.insert_articles(con, arts)
    predictions.insert_predictions(con, rows)
    refresh_marts(con)
    return con


@pytest.mark.parametrize("same_probs", [False, True])
def test_no_interval_has_zero_width(tmp_path, same_probs):
    con = _warehouse(tmp_path, {"one": 1, "two": 2, "many": 40}, same_probs=same_probs)
    checked = 0
    for view, triples in INTERVALS.items():
        for est, lo, hi in triples:
            rows = con.execute(f"select {est}, {lo}, {hi}, n_articles from {view}").fetchall()  # test names
            for value, low, high, n in rows:
                if value is None:
                    continue
                assert low <= value <= high, (view, est, value, low, high)
                assert high - low > 0.01, f"{view}.{est} = {value} [{low}, {high}] at n={n} reads as certain"
                checked += 1
    assert checked > 100
    one = con.execute(
        "select share_lo, share_hi from frame_share where outlet_id = 'one' and grain = 'all' "
        "and topic = '*' and frame = 'Economic'"
    ).fetchone()
    assert one[1] - one[0] > 0.5  # one article says little about an outlet


def test_stands_out_and_changed_never_on_too_few_articles(tmp_path):
    con = _warehouse(tmp_path, {"one": 1, "four": 4, "few": 9, "many": 60, "more": 60})
    lifts = con.execute("select too_few, stands_out, n_articles, n_others from frame_lift").fetchall()
    assert any(too_few for too_few, *_ in lifts)
    assert not [r for r in lifts if r[0] and r[1]], "stands_out on a cell under 10 articles"
    assert all(too_few == (n < 10 or others < 10) for too_few, _, n, others in lifts)
    changes = con.execute("select too_few, changed from frame_share_change").fetchall()
    assert changes and not [r for r in changes if r[0] and r[1]]


def test_two_tiny_shares_never_stand_out(tmp_path):
    """2% against 1% is a lift of 2 with a tight interval over thousands of articles, and no emphasis."""
    con = connect(tmp_path / "w.duckdb")
    load.register_model(con, "v1", "m", {})
    arts, rows = [], []
    for o, p in (("a", 0.02), ("b", 0.01)):
        for i in range(3000):
            arts.append(article(f"{o}{i}", o, date(2026, 11, 2)))
            row = prediction(f"{o}{i}", "v1", ["Political"])
            row["frame_probs"] = {**row["frame_probs"], "Morality": p}
            rows.append(row)
    load.insert_articles(con, arts)
    predictions.insert_predictions(con, rows)
    refresh_marts(con)
    lift, lo, stands_out = con.execute(
        "select lift, lift_lo, stands_out from frame_lift where grain = 'all' and topic = '*' "
        "and outlet_id = 'a' and frame = 'Morality'"
    ).fetchone()
    assert lift == pytest.approx(2, rel=1e-3) and lo > 1 and not stands_out  # interval excludes 1
    assert con.execute("select distinctive_frames from outlet_summary where outlet_id = 'a'").fetchone() == (
        None,
    )


def test_the_data_window_is_where_the_bulk_is(tmp_path):
    """Five months of 2018 and one article in 2025: the window is 2018, and says what it leaves out."""
    con = connect(tmp_path / "w.duckdb")
    load.register_model(con, "v1", "m", {})
    days = [date(2018, 4, 2) + timedelta(days=i) for i in range(0, 150, 2)] + [date(2025, 7, 8)]
    load.insert_articles(con, [article(f"a{i}", "o", d) for i, d in enumerate(days)])
    predictions.insert_predictions(con, [prediction(f"a{i}", "v1", ["Political"]) for i in range(len(days))])
    refresh_marts(con)
    cur = con.execute("select * from data_window")
    window = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    assert window["first_day"] == date(2018, 4, 2) and window["last_day"] == days[-2]
    assert window["first_month"] == date(2018, 4, 1) and window["last_month"] == date(2018, 8, 1)
    assert (window["n_articles"], window["n_total"], window["n_outside"]) == (75, 76, 1)
    assert window["outside_first_day"] == window["outside_last_day"] == date(2025, 7, 8)
    # the shift check's default week is the bulk's last week, not the stray one
    from warehouse.shifts_store import latest_week

    assert latest_week(con) == window["last_week"] < date(2019, 1, 1)
