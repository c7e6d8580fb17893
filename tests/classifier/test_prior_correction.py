"""Slant prior correction: the fitted bias undoes a known shift of the class prior, and on real AllSides
articles of outlets the model never saw it moves the predicted class mix toward the true one; the state
round-trips through JSON. Frame shares under prior shift: the EM estimate follows a share far from the
training one where the mean probability stays near it, and stays near the mean on a handful of
articles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifier.prior_correction import PriorCorrectedSlant, apply_bias, fit_class_bias
from classifier.shares import em_share, group_shares, share_priors


def test_fitted_bias_undoes_a_known_prior_shift():
    rng = np.random.default_rng(0)
    n = 6000
    y = rng.integers(0, 3, n)
    logits = rng.normal(0, 1, (n, 3))
    logits[np.arange(n), y] += 1.5
    shift = np.array([0.0, -0.8, 0.9])  # what a model trained on other outlets added
    shifted = np.exp(logits + shift)
    shifted /= shifted.sum(1, keepdims=True)
    bias = fit_class_bias(shifted, y)
    assert np.allclose(bias, -shift, atol=0.1)
    corrected = apply_bias(shifted, bias)
    assert np.allclose(corrected.sum(1), 1.0)
    assert abs(corrected.mean(0) - np.bincount(y) / n).max() < 0.02


@pytest.fixture(scope="module")
def slant_rows(shared_files: tuple[Path, Path]) -> pd.DataFrame:
    from classifier.data import load_labeled, slant_rows

    df = slant_rows(load_labeled(shared_files[1]))
    counts = df["outlet_domain"].value_counts()
    small = counts[(counts >= 10) & (counts <= 60)].index  # many small outlets, as the checks leave out
    return df[df["outlet_domain"].isin(small)].sample(900, random_state=0).reset_index(drop=True)


def test_prior_correction_on_unseen_outlets(slant_rows):
    from classifier.data import texts_of
    from classifier.slant import CueStrippedSlant

    outlets = slant_rows["outlet_domain"].to_numpy(dtype=str)
    names = sorted(set(outlets))
    test_outlets = set(names[::4])
    test = np.isin(outlets, list(test_outlets))
    train = slant_rows[~test].reset_index(drop=True)
    held = slant_rows[test].reset_index(drop=True)
    base = CueStrippedSlant(
        min_outlets=2,
        max_outlet_share=1.0,
        max_df=1.0,
        cap=0,
        class_weight=None,
        solver="lr",
        boilerplate_min_docs=0,
    )
    model = PriorCorrectedSlant(base=base, inner_folds=3).fit(
        texts_of(train), train["slant"].tolist(), train["outlet_domain"].tolist()
    )
    assert model.oof_.shape == (len(train), 3) and model.bias_[0] == 0.0
    truth = held["slant"].value_counts(normalize=True).reindex(model.classes_).fillna(0).to_numpy()
    raw = model.base_.predict_proba(texts_of(held)).mean(0)
    corrected = model.predict_proba(texts_of(held)).mean(0)
    # the correction never makes the predicted class mix on unseen outlets much worse
    assert np.abs(corrected - truth).sum() <= np.abs(raw - truth).sum() + 0.05
    meta, arrays = model.to_state()
    back = PriorCorrectedSlant.from_state(json.loads(json.dumps(meta)), arrays)
    assert np.allclose(back.predict_proba(texts_of(held[:20])), model.predict_proba(texts_of(held[:20])))


def test_prior_correction_needs_two_outlets():
    from classifier.slant import CueStrippedSlant

    with pytest.raises(ValueError, match="at least 2 outlets"):
        PriorCorrectedSlant(base=CueStrippedSlant()).fit(["a b", "c d"], ["left", "right"], ["x", "x"])


def test_em_share_follows_a_share_far_from_training():
    rng = np.random.default_rng(1)
    prior = 0.3  # the training share the probabilities were calibrated at

    def calibrated(y: np.ndarray) -> np.ndarray:
        score = rng.normal(np.where(y == 1, 1.2, -1.2), 1.0)  # class-conditional, fixed under prior shift
        odds = np.exp(2.4 * score) * prior / (1 - prior)  # exact posterior at the training share
        return odds / (1 + odds)

    y = (rng.random(2000) < 0.9).astype(int)  # deployed on news where the frame is in 90% of articles
    p = calibrated(y)
    assert abs(p.mean() - 0.9) > 0.1  # the mean probability is pulled toward the training share
    assert abs(em_share(p, prior) - 0.9) < 0.03
    few = calibrated(np.array([1, 1, 1, 0, 1]))
    assert abs(em_share(few, prior) - few.mean()) < abs(em_share(few, prior, strength=0) - few.mean())


def test_share_priors_and_mixed_language_groups():
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    priors = share_priors(Y, ["en", "en", "de", None])
    assert priors["en"] == {"n": 2, "prior": [1.0, 0.5]} and priors["*"]["prior"] == [0.5, 0.5]
    probs = np.full((4, 2), 0.5)
    shares = group_shares(probs, ["en", "de", "fr", "de"], priors)
    assert shares.shape == (2,) and ((0 <= shares) & (shares <= 1)).all()
