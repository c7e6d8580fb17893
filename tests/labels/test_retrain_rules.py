"""The loop's rules without training: the promotion rule on a protocol table with the frozen test set's
row (the one rule `framewatch train` and `models promote` use), the test-set guard, the training files
(gold in the shared schema the classifier reads, base-corpus samples, no test article), the evaluation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from classifier.data import load_labeled
from classifier.intervals import Estimate
from classifier.scoring import Prediction
from classifier.table import Row, Table
from flows.retrain_check import judge_turn
from labels.codebook import load_codebook
from labels.retrain import (
    EvalScore,
    PairedTest,
    RetrainConfig,
    RetrainError,
    _score,
    evaluate,
    missing_requirements,
    not_comparable,
    paired_bootstrap,
    raise_if_missing,
    sample_parquet,
    training_files,
)

CONFIG = RetrainConfig(margin=0.01, min_test_articles=3)


def score(version: str, value: float, n: int = 20) -> EvalScore:
    return EvalScore(version, n, value, value, 0.5, value)


def protocol(big_gain: float = 0.03, cv_vs_champion: Estimate | None = None) -> Table:
    """A protocol table: the challenger ("model") beats the reference on the big-outlet check by
    `big_gain`; `cv_vs_champion`: its cross-validated slant against the champion, on rows the champion
    did not train on."""
    rows = [
        Row(
            "big_outlets", "slant macro-F1", "outlets", True, vs={"reference": Estimate(big_gain, -0.05, 0.1)}
        ),
        Row("cv", "slant macro-F1", "outlets", True, vs={"reference": Estimate(0.01, -0.02, 0.04)}),
    ]
    if cv_vs_champion is not None:
        rows[1].vs["promoted"] = cv_vs_champion
        rows[1].seen = {"champ": False}
    roles = {"candidate": "model", "reference": "plain TF-IDF + LR", "promoted": "champ"}
    return Table(roles, list(roles.values()), rows, {})


@pytest.mark.parametrize(
    ("champion", "challenger", "promote"),
    [
        (0.50, 0.52, True),  # +0.02 >= margin
        (0.50, 0.51, True),  # exactly the margin
        (0.50, 0.505, False),  # better, but not by the margin
        (0.50, 0.45, False),  # worse
    ],
)
def test_promote_only_when_better_by_the_margin(champion, challenger, promote):
    delta = challenger - champion
    real = PairedTest(delta, delta - 0.005, delta + 0.005, 0.001, 2000)  # a gain the bootstrap calls real
    ruling = judge_turn(protocol(), score("champ", champion), score("chall", challenger), real, CONFIG)
    assert ruling.promote is promote, ruling.reason
    assert promote or "test_set" in ruling.reason


def test_a_gain_the_bootstrap_cannot_tell_from_noise_is_refused():
    noisy = PairedTest(0.05, -0.02, 0.12, 0.2, 2000)
    ruling = judge_turn(protocol(), score("champ", 0.5), score("chall", 0.55), noisy, CONFIG)
    assert not ruling.promote and "interval reaches -0.020" in ruling.reason


def test_the_protocol_can_refuse_what_the_test_set_would_promote():
    real = PairedTest(0.05, 0.03, 0.07, 0.0, 2000)
    behind = judge_turn(protocol(big_gain=-0.02), score("champ", 0.5), score("chall", 0.55), real, CONFIG)
    assert not behind.promote and "big_outlets" in behind.reason
    worse = protocol(cv_vs_champion=Estimate(-0.06, -0.09, -0.03))
    ruling = judge_turn(worse, score("champ", 0.5), score("chall", 0.55), real, CONFIG)
    assert not ruling.promote and "cv: slant macro-F1 -0.060 vs the promoted" in ruling.reason


def test_no_champion_needs_only_the_protocol_and_too_few_test_articles_cannot_be_judged():
    first = judge_turn(protocol(), None, score("chall", 0.1), None, CONFIG)
    assert first.promote, first.reason
    assert not judge_turn(protocol(big_gain=0.0), None, score("chall", 0.1), None, CONFIG).promote
    why = not_comparable(score("champ", 0.1), score("chall", 0.9, n=2), CONFIG)
    assert why is not None and "label the test set" in why
    assert not_comparable(score("same", 0.1), score("same", 0.2), CONFIG) is not None


def test_every_missing_requirement_is_listed_at_once(tmp_path):
    """Too few test labels, no training labels and no base corpora: one error naming all four."""
    with pytest.raises(RetrainError) as err:
        raise_if_missing(missing_requirements([], [{}, {}], set(), tmp_path, CONFIG))
    message = str(err.value)
    assert message.startswith("retraining needs 4 more things: ")
    for part in ("only 2 gold-labeled test articles (need 3)", "only 0 gold training labels (need 1)"):
        assert part in message
    assert "no base corpus semeval2023_frames_train.parquet" in message
    assert "no base corpus allsides_slant.parquet" in message


def _gold(aid: str) -> dict:
    return {
        "article_id": aid,
        "outlet_id": "metro-wire",
        "title": f"Title {aid}",
        "text": f"Body of {aid}.",
        "frames": ["Economic", "Political"],
        "primary_frame": "Economic",
        "slant": "center",
        "tone": "neutral",
    }


def _base_corpora(folder: Path) -> Path:
    """Tiny synthetic files in the shared schema (invented text; never the shared data)."""
    folder.mkdir()
    rows = [
        {
            "dataset": "x",
            "id": f"f{i}",
            "outlet": "o",
            "outlet_domain": f"o{i % 3}.example",
            "url": "",
            "title": f"t{i}",
            "text": f"text {i}",
            "language": "en" if i % 2 else "de",
            "labels": {"frames": ["Economic"], "primary_frame": None, "slant": None, "tone": None},
        }
        for i in range(10)
    ]
    pd.DataFrame(rows).to_parquet(folder / "semeval2023_frames_train.parquet")
    slant = [
        {**r, "id": f"s{i}", "labels": {"frames": [], "primary_frame": None, "slant": "left", "tone": None}}
        for i, r in enumerate(rows)
    ]
    pd.DataFrame(slant).to_parquet(folder / "allsides_slant.parquet")
    return folder


def test_training_files_hold_gold_and_base_samples_but_no_test_article(tmp_path):
    data = _base_corpora(tmp_path / "data")
    config = RetrainConfig(base_frame_rows=3, base_slant_rows=4)
    frames, slants = training_files([_gold("a1"), _gold("a2")], {"t1"}, data, tmp_path / "work", config)
    frame_df = load_labeled(frames)  # the classifier's own loader validates the gold file
    base = frame_df[frame_df["id"].str.startswith("f")]
    assert len(base) == 3 and set(base["language"]) == {"en"}  # sampled, English only
    gold = frame_df[frame_df["id"].str.startswith("gold-")]
    assert list(gold["frames"].iloc[0]) == ["Economic", "Political"] and gold["slant"].iloc[0] == "center"
    assert len(load_labeled(slants)) == 4 + 2
    with pytest.raises(RetrainError, match="test-set articles reached the training data"):
        raise_if_missing(missing_requirements([_gold("t1")], [_gold("t2")] * 10, {"t1", "t2"}, data, config))
    with pytest.raises(RetrainError, match="base corpus not found"):
        sample_parquet(tmp_path / "nope.parquet", tmp_path / "x.parquet", 3, 0)


def _pred(frames: list[str], slant: str) -> Prediction:
    return Prediction({}, frames, frames[0], {}, slant, 0.0, "neutral", {})


def test_evaluate_scores_frames_and_slant_macro_f1():
    book = load_codebook()
    gold = [
        _gold("a") | {"frames": ["Economic"], "primary_frame": "Economic", "slant": "left"},
        _gold("b") | {"frames": ["Political"], "primary_frame": "Political", "slant": "right"},
    ]
    perfect = evaluate("fixed", [_pred(["Economic"], "left"), _pred(["Political"], "right")], gold, book)
    assert (perfect.frame_macro_f1, perfect.slant_macro_f1, perfect.score) == (1.0, 1.0, 1.0)
    swapped = evaluate("fixed", [_pred(["Political"], "right"), _pred(["Economic"], "left")], gold, book)
    assert (swapped.frame_macro_f1, swapped.slant_macro_f1, swapped.primary_accuracy) == (0.0, 0.0, 0.0)


def test_the_paired_bootstrap_scores_every_resample_as_the_test_set_is_scored():
    """All resamples at once (article counts) give what `_score` gives on each resample's rows."""
    import numpy as np

    book = load_codebook()
    rng = np.random.default_rng(7)
    names, slants = book.frame_names[:6], book.slant_labels

    def frames() -> list[str]:
        return list(rng.choice(names, size=int(rng.integers(1, 4)), replace=False))

    gold = [
        _gold(str(i)) | {"frames": (f := frames()), "primary_frame": f[0], "slant": str(rng.choice(slants))}
        for i in range(25)
    ]
    champion = [_pred(frames(), str(rng.choice(slants))) for _ in gold]
    challenger = [
        _pred(g["frames"], g["slant"]) if rng.random() < 0.6 else _pred(frames(), str(rng.choice(slants)))
        for g in gold
    ]
    paired = paired_bootstrap(gold, champion, challenger, book, resamples=100, seed=4)

    def combined(idx: np.ndarray, preds: list[Prediction]) -> float:  # the definition, one resample
        f, s, _ = _score([gold[i] for i in idx], [preds[i] for i in idx], book)
        return (f + s) / 2

    draws = np.random.default_rng(4).integers(0, len(gold), (100, len(gold)))
    diffs = np.array([combined(idx, challenger) - combined(idx, champion) for idx in draws])
    everything = np.arange(len(gold))
    assert paired.delta == round(combined(everything, challenger) - combined(everything, champion), 4)
    assert paired.lo == pytest.approx(np.quantile(diffs, 0.05), abs=1e-4)
    assert paired.hi == pytest.approx(np.quantile(diffs, 0.95), abs=1e-4)
    assert paired.p_value == round(float(np.mean(diffs <= 0)), 4) and paired.resamples == 100
    assert paired.delta > 0 and paired.lo < paired.delta < paired.hi


def test_retrain_config_is_validated():
    with pytest.raises(ValueError, match="margin"):
        RetrainConfig(margin=-0.1)
    with pytest.raises(ValueError, match="min_test_articles"):
        RetrainConfig(min_test_articles=0)
