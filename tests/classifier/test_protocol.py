"""The evaluation protocol: outlet-level and same-event figures, prevalence through the warehouse's own
estimator, folds that never put an outlet on both sides, rebuilt events, and `framewatch evaluate` on a
held-out file (figures beside the plain reference, --predictions-out, bad input refused, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from classifier.events import event_groups
from classifier.folds import dev_check_split, slant_folds, slant_groups
from classifier.levels import outlet_level, pair_order
from classifier.prevalence import prevalence
from classifier.thresholds import decide_frames
from framewatch.cli.evaluate import app

LABELS = ["left", "center", "right"]


def _slant_frame(outlets: list[str], labels: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"outlet_domain": outlets, "outlet": outlets, "slant": labels})


def test_outlet_ranking_and_the_worst_placed_outlets():
    outlets = [o for o in "abcdef" for _ in range(6)]
    labels = [lab for lab in ["left", "left", "center", "center", "right", "right"] for _ in range(6)]
    df = _slant_frame(outlets, labels)
    right_order = np.repeat([-0.8, -0.5, -0.1, 0.1, 0.4, 0.9], 6)
    good = outlet_level(df, right_order, ratings={"a": -2, "b": -1, "c": 0, "d": 0, "e": 1, "f": 2})
    # the best any scoring can do against tied labels (three classes for six outlets) is ~0.96
    assert good["spearman"] > 0.95 and good["spearman_rating"] > 0.98
    swapped = right_order.reshape(6, 6).copy()
    swapped[[0, 5]] = swapped[[5, 0]]  # the most left outlet scored as the most right, and back
    bad = outlet_level(df, swapped.ravel())
    assert bad["spearman"] < 0 and {w["outlet"] for w in bad["worst"][:2]} == {"a", "f"}


def test_same_event_pair_order_counts_cross_label_pairs_and_half_ties():
    df = _slant_frame(["x", "y", "z", "w"], ["left", "center", "right", "right"])
    groups = ["e1", "e1", "e1", None]
    assert pair_order(df, np.array([-1.0, 0.0, 1.0, 5.0]), groups) == {
        "n_groups": 1,
        "n_pairs": 3,
        "accuracy": 1.0,
    }
    assert pair_order(df, np.array([1.0, 0.0, -1.0, 0.0]), groups)["accuracy"] == 0.0
    assert pair_order(df, np.zeros(4), groups)["accuracy"] == 0.5


def test_prevalence_uses_the_warehouse_estimator_and_beats_counting_when_calibrated():
    rng = np.random.default_rng(0)
    names = ["Economic", "Political"]
    n = 400
    p = rng.uniform(0, 1, (n, 2)) * np.array([0.5, 0.9])  # calibrated: labels drawn from the probabilities
    frames = [[f for j, f in enumerate(names) if rng.random() < p[i, j]] for i in range(n)]
    df = pd.DataFrame({"frames": frames, "language": np.where(np.arange(n) % 2, "en", "fr")})
    out = prevalence(df, p, decide_frames(p, np.array([0.3, 0.3])), names, group_by="language")
    assert out["n_groups"] == 2 and len(out["cells"]) == 4
    cell = out["cells"][0]
    mask = df["language"].to_numpy() == cell["group"]
    assert cell["estimated"] == pytest.approx(p[mask, names.index(cell["frame"])].mean(), abs=1e-4)
    assert out["mae"] < 0.05 < out["mae_counted"]


def test_event_groups_link_similar_coverage_of_one_day_across_outlets():
    story = "Senate passes the border security bill after a long night of votes on immigration funding"
    other = "Local bakery wins the regional pie contest for the third year with a cherry recipe"
    df = pd.DataFrame(
        {
            "title": [
                "Senate passes border bill",
                "Border bill clears the Senate",
                "Senate border vote",
                "Pie",
            ],
            "text": [story, story + " today", story, other],
            "published": ["2020-02-03", "2020-02-03", "2020-06-03", "2020-02-03"],
            "outlet_domain": ["a.com", "b.com", "c.com", "d.com"],
        }
    )
    df = pd.concat(
        [df, df.assign(title="filler " + df["title"], text=other + " and more")], ignore_index=True
    )
    groups = event_groups(df, df["outlet_domain"].tolist())
    assert groups[0] is not None and groups[0] == groups[1]  # same day, same story, two outlets
    assert groups[2] != groups[0]  # four months later: another event


@pytest.fixture(scope="module")
def allsides(shared_files: tuple[Path, Path]) -> pd.DataFrame:
    from classifier.data import load_labeled, slant_rows

    return slant_rows(load_labeled(shared_files[1])).sample(3000, random_state=1).reset_index(drop=True)


def test_slant_folds_never_share_an_outlet_and_keep_the_label_mix(allsides: pd.DataFrame):
    groups = slant_groups(allsides)
    overall = allsides["slant"].value_counts(normalize=True)
    for train, test in slant_folds(allsides, 5):
        assert not set(groups[train]) & set(groups[test])
        mix = allsides["slant"].iloc[train].value_counts(normalize=True)
        assert (mix - overall).abs().max() < 0.15
    train, test = dev_check_split(allsides)
    assert (allsides["split"].iloc[test] == "dev").all()
    assert not set(groups[train]) & set(groups[test])


@pytest.fixture(scope="module")
def heldout_env(
    small_model_dir: tuple[Path, str],
    shared_files: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict:
    """A small shared-data folder (the reference trains on it) and a held-out file of dev-split outlets."""
    root = tmp_path_factory.mktemp("heldout")
    data = root / "data"
    data.mkdir()
    frames = pd.read_parquet(shared_files[0])
    slant = pd.read_parquet(shared_files[1])
    frames.sample(200, random_state=0).to_parquet(data / shared_files[0].name)
    train = slant[slant["split"] == "train"].sample(800, random_state=0)
    train.to_parquet(data / shared_files[1].name)
    held = pd.concat(
        [slant[slant["split"] == "dev"].sample(120, random_state=0), frames.sample(40, random_state=5)],
        ignore_index=True,
    )
    held["story"] = [f"s{i // 3}" for i in range(len(held))]
    held.to_parquet(root / "held.parquet")
    models, version = small_model_dir
    return {"root": root, "data": data, "file": root / "held.parquet", "models": models, "version": version}


def _invoke(env: dict, *args: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FRAMEWATCH_DATA_DIR", str(env["data"]))
    return CliRunner().invoke(app, ["--models-dir", str(env["models"]), "--model", env["version"], *args])


def test_heldout_figures_beside_the_reference_and_predictions_out(heldout_env, monkeypatch, tmp_path):
    out = tmp_path / "preds.parquet"
    db = tmp_path / "w.duckdb"
    res = _invoke(
        heldout_env,
        "--data",
        str(heldout_env["file"]),
        "--group-by",
        "story",
        "--predictions-out",
        str(out),
        "--json",
        "--db",
        str(db),
        monkeypatch=monkeypatch,
    )
    assert res.exit_code == 0, res.output
    result = json.loads(res.stdout)
    assert result["candidates"] == ["model", "plain TF-IDF + LR"]
    for name in result["candidates"]:
        assert 0 <= result["slant"][name]["article"]["macro_f1"] <= 1
        assert -1 <= result["slant"][name]["outlet"]["spearman"] <= 1
        assert result["slant"][name]["events"]["n_pairs"] > 0
        assert result["frames"][name]["prevalence"]["mae"] is not None
    assert (
        result["frames"]["model"]["prevalence"]["mae"]
        == result["frames"]["model"]["prevalence"]["language"]["mae"]
    )
    table = pd.read_parquet(out)
    held = pd.read_parquet(heldout_env["file"])
    assert sorted(table["id"]) == sorted(held["id"]) and table["id"].is_unique
    assert {"frame:Economic", "frame:Political", "slant:left", "slant:center", "slant:right"} <= set(table)
    assert all(table[c].dtype == float for c in table if c != "id")
    assert db.exists()  # --record (default) wrote the model's metrics


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("duplicate", "duplicate row id"),
        ("unlabeled", "without any label"),
        ("unknown_frame", "not in codebook"),
    ],
)
def test_bad_input_is_refused_naming_the_rows_and_nothing_is_written(
    heldout_env, monkeypatch, tmp_path, change, message
):
    held = pd.read_parquet(heldout_env["file"]).head(12)
    if change == "duplicate":
        held.loc[3, "id"] = held.loc[2, "id"]
    elif change == "unlabeled":
        held.at[4, "labels"] = {"frames": None, "primary_frame": None, "slant": None, "tone": None}
    else:
        held.at[5, "labels"] = {"frames": ["Astrology"], "primary_frame": None, "slant": "left", "tone": None}
    bad = tmp_path / "bad.parquet"
    held.to_parquet(bad)
    out, db = tmp_path / "preds.parquet", tmp_path / "w.duckdb"
    res = _invoke(
        heldout_env,
        "--data",
        str(bad),
        "--predictions-out",
        str(out),
        "--db",
        str(db),
        monkeypatch=monkeypatch,
    )
    assert res.exit_code == 1 and message in res.output
    named = {
        "duplicate": held.loc[2, "id"],
        "unlabeled": held.loc[4, "id"],
        "unknown_frame": held.loc[5, "id"],
    }
    assert str(named[change]) in res.output
    assert "Traceback" not in res.output
    assert not out.exists() and not db.exists()


# -- the protocol's checks, intervals and table (issue 18.2) ------------------------------------------------


def test_same_story_pairs_of_outlets_the_slant_data_never_shows():
    """The ungated same-story row counts only roundup rows whose outlet has no row in the slant data: a
    head that learned a known outlet's style cannot score there by recognising it."""
    from classifier.measures import unseen_outlet_stories

    slant = pd.DataFrame({"outlet_domain": ["foxnews.com", None], "outlet": ["Fox News", "Daily Kos"]})
    stories = pd.DataFrame(
        {
            "outlet_domain": ["foxnews.com", "apnews.com", "dailykos.com", None],
            "outlet": ["Fox News", "AP", "Daily Kos", "Daily Kos"],
            "story_id": ["s1", "s1", "s2", "s2"],
        }
    )
    # outlets match on the protocol's key, the domain else the name: the slant data names Fox News by its
    # domain and Daily Kos only by name, so the roundup row with dailykos.com counts as unseen
    assert unseen_outlet_stories(stories, slant) == [None, "s1", "s2", None]
    assert unseen_outlet_stories(stories, None) == ["s1", "s1", "s2", "s2"]


def test_unit_intervals_match_the_plain_figure_and_pair_the_models():
    from sklearn.metrics import f1_score

    from classifier import intervals as iv

    rng = np.random.default_rng(0)
    outlets = np.repeat([f"o{i}" for i in range(12)], 20)
    y = rng.choice(LABELS, len(outlets))
    good = np.where(rng.random(len(y)) < 0.7, y, rng.choice(LABELS, len(y)))
    bad = np.where(rng.random(len(y)) < 0.4, y, rng.choice(LABELS, len(y)))
    units = iv.Units.draw(sorted(set(outlets)), resamples=400)
    unit_of = units.index(outlets)
    a = iv.measure(iv.macro_f1(y, good, LABELS, unit_of, 12), units)
    b = iv.measure(iv.macro_f1(y, bad, LABELS, unit_of, 12), units)
    assert a.point == pytest.approx(f1_score(y, good, labels=LABELS, average="macro"))
    est, diff = a.estimate(), a.minus(b)
    assert est.lo < est.value < est.hi
    assert diff.lo > 0  # the better model wins on every slice of outlets
    assert diff.hi - diff.lo < (est.hi - est.lo) + (b.estimate().hi - b.estimate().lo)


def test_big_outlets_are_held_out_together_and_roundups_carry_their_story(allsides, settings):
    from classifier.checks import big_outlet_split, load_roundups, story_folds

    train, test = big_outlet_split(allsides, 100)
    groups = slant_groups(allsides)
    counts = pd.Series(groups).value_counts()
    assert set(groups[test]) == set(counts[counts >= 100].index) and not set(groups[train]) & set(
        groups[test]
    )
    roundups_file = settings.data_dir / "allsides_roundups.parquet"
    if not roundups_file.exists():
        pytest.skip("no roundups file in the shared data")
    stories = load_roundups(roundups_file)
    assert stories["story_id"].notna().all() and stories["story_id"].nunique() > 400
    for _train, held in story_folds(stories, 3, 0):
        held_stories = set(stories["story_id"].iloc[held])
        assert not held_stories & set(stories["story_id"].iloc[_train])


def test_big_outlets_held_out_a_group_at_a_time_train_on_the_other_big_outlets(allsides):
    from classifier.checks import big_outlet_groups, big_outlets

    big = big_outlets(allsides, 100)
    groups = big_outlet_groups(allsides, 100, 3)
    domains = slant_groups(allsides)
    assert len(groups) == 3
    held = [set(domains[test]) for _train, test in groups]
    assert sorted(o for h in held for o in h) == sorted(big)  # each big outlet held out exactly once
    for (train, test), outlets in zip(groups, held, strict=True):
        assert not set(domains[train]) & outlets
        assert set(big) - outlets <= set(domains[train])  # the other big outlets are in training
        assert allsides["slant"].iloc[test].nunique() >= 2  # each group mixes sides
    assert big_outlet_groups(allsides, 10**6, 3) == []  # no big outlets: no check


def test_the_protocol_on_a_small_sample_with_the_promoted_model(allsides, shared_files, settings):
    """Every check runs; the saved model is marked as trained on the checks' rows (not the roundups); an
    extra training row of a test outlet never reaches that check's training."""
    from classifier import protocol, table
    from classifier.checks import ProtocolSettings, load_roundups
    from classifier.data import frame_rows, load_labeled
    from classifier.folds import slant_groups
    from classifier.measures import (
        UNSEEN_SLANT_FIGURE,
        UNSEEN_STORY_FIGURE,
        build_table,
        unseen_outlet_stories,
    )
    from classifier.recipes import build, context
    from classifier.settings import PACKAGE_DIR
    from classifier.versions.load import load_scorer
    from classifier.versions.promotion import verdict
    from labels.codebook import load_codebook
    from tests.classifier.conftest import small_template

    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    frames = frame_rows(load_labeled(shared_files[0])).sample(80, random_state=0).reset_index(drop=True)
    slant = allsides.sample(350, random_state=0).reset_index(drop=True)
    roundups_file = settings.data_dir / "allsides_roundups.parquet"
    stories = load_roundups(roundups_file) if roundups_file.exists() else None
    if stories is not None:
        stories = stories[stories["story_id"].isin(stories["story_id"].unique()[:40])].reset_index(drop=True)
    plan = protocol.plan(
        frames, slant, stories, ProtocolSettings(folds=2, big_outlet_min_articles=20, resamples=100)
    )
    assert plan.big is not None and plan.dev is not None
    recipe = small_template()
    leaked = slant.iloc[plan.big[1][:5]].assign(id=lambda d: "extra-" + d["id"])
    recipe.extra_slant = leaked  # rows of big outlets: never in the big check's training
    trained_on: list[int] = []
    fit = protocol.fit_slant

    def counting(template, df):  # noqa: ANN001, ANN202
        trained_on.append(int(df["id"].str.startswith("extra-").sum()))
        return fit(template, df)

    protocol.fit_slant = counting
    try:
        promoted = load_scorer(None, PACKAGE_DIR / "models")
        ref = build("plain TF-IDF + LR", context(names, labels, slant, None))
        run = protocol.run(plan, [recipe, ref], names, labels, {promoted.version: promoted})
    finally:
        protocol.fit_slant = fit
    assert trained_on[3] == 0  # folds 0 and 1, dev, then the big-outlet check: the leaked rows left out
    roles = {"candidate": "model", "reference": ref.name, "promoted": promoted.version}
    result = build_table(run, roles, names, labels)
    checks = {r.check for r in result.rows}
    assert {"cv", "dev", "big_outlets"} <= checks and (stories is None or "same_story" in checks)
    assert ("big_groups" in checks) == bool(plan.big_groups)
    big = result.row("big_outlets", "slant macro-F1")
    assert big is not None and big.seen[promoted.version] and not big.seen["model"]
    assert big.vs["reference"].lo <= big.vs["reference"].value <= big.vs["reference"].hi
    if stories is not None:
        story_row = result.row("same_story", "same-story pair order")
        trained_on_stories = "allsides_roundups" in promoted.card["data"]["slant"]["datasets"]
        assert story_row is not None and story_row.seen[promoted.version] == trained_on_stories
        unseen = result.row("same_story", UNSEEN_STORY_FIGURE)  # shown beside it, never gated
        assert unseen is not None and not unseen.gated and 0 < unseen.n_units <= story_row.n_units
        away = result.row("same_story", UNSEEN_SLANT_FIGURE)  # article slant of those outlets, not gated
        far = {o for o, k in zip(slant_groups(stories), unseen_outlet_stories(stories, slant)) if k}
        assert away is not None and not away.gated and away.n_units == len(far) > 0
        assert all(0 <= e.value <= 1 and e.lo <= e.value <= e.hi for e in away.values.values())
    assert all(o["label"] in labels for o in result.outlets) and len(result.outlets) == big.n_units
    ruling = verdict(result)
    assert ruling.promote in (True, False) and ruling.reason
    assert any("trained on these rows" in n for n in ruling.notes)  # the promoted model's unclean cells
    again = table.Table.from_json(json.loads(json.dumps(result.to_json())))
    assert verdict(again).to_json() == ruling.to_json()
    assert "big outlets held out: slant macro-F1" in table.render(result)


def test_evaluate_prints_the_protocol_table_for_a_version(heldout_env, monkeypatch, tmp_path):
    """`framewatch evaluate --model VERSION` without --data: the version's recipe through every check,
    the version itself and the reference in one run, a table with intervals and the rule's word."""
    data = heldout_env["data"]
    frames, slant = tmp_path / "frames.parquet", tmp_path / "slant.parquet"
    pd.read_parquet(next(data.glob("semeval*"))).head(80).to_parquet(frames)
    pd.read_parquet(next(data.glob("allsides*"))).head(400).to_parquet(slant)
    args = ["--folds", "2", "--big-outlet-min-articles", "25", "--resamples", "50", "--json"]
    files = ["--frames", str(frames), "--slant", str(slant)]
    res = _invoke(heldout_env, *files, *args, monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    result = json.loads(res.stdout)
    table = result["table"]
    assert result["model_version"] == heldout_env["version"] and result["recipe"] == "model"
    assert set(table["columns"]) == {"model", "plain TF-IDF + LR", heldout_env["version"]}
    big = next(r for r in table["rows"] if r["check"] == "big_outlets" and r["figure"] == "slant macro-F1")
    assert big["seen"][heldout_env["version"]] and {"reference", "promoted"} <= set(big["vs"])
    assert result["verdict"]["reason"] and "big outlets held out" in result["summary"]
