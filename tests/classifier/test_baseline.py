"""The estimators on small crafted corpora (written for these tests, no shared data)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.preprocessing import normalize

from classifier.baseline import (
    FrameClassifier,
    SlantClassifier,
    best_f1_threshold,
    outlet_term_mask,
    tfidf_vectorizer,
)
from labels.codebook import load_codebook

BOOK = load_codebook()
ECON, CRIME, RARE = BOOK.frame_names[0], BOOK.frame_names[6], BOOK.frame_names[-1]
SLANTS = list(BOOK.slant_labels)

ECON_WORDS = ["budget", "taxes", "jobs", "wages", "prices", "costs"]
CRIME_WORDS = ["police", "arrest", "court", "prison", "theft", "suspect"]
FILLER = ["city", "people", "said", "week", "report", "local", "officials", "plan"]


def _doc(rng: np.random.Generator, words: list[str], n: int = 12) -> str:
    return " ".join(rng.choice(words + FILLER, size=n))


def _frame_corpus() -> tuple[list[str], list[list[str]]]:
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(60):
        kind = i % 3
        if kind == 0:
            texts.append(_doc(rng, ECON_WORDS))
            labels.append([ECON])
        elif kind == 1:
            texts.append(_doc(rng, CRIME_WORDS))
            labels.append([CRIME])
        else:
            texts.append(_doc(rng, ECON_WORDS + CRIME_WORDS))
            labels.append([ECON, CRIME])
    labels[0] = [ECON, RARE]  # one example only: too few to train
    return texts, labels


def test_best_f1_threshold() -> None:
    y = np.array([1, 1, 0, 0, 1, 0])
    scores = np.array([0.9, 0.7, 0.6, 0.2, 0.65, 0.1])
    assert best_f1_threshold(y, scores) == pytest.approx(0.61)
    assert best_f1_threshold(np.zeros(3), np.array([0.1, 0.2, 0.3])) == pytest.approx(0.05)


def test_frame_classifier_learns_and_skips_rare_frames() -> None:
    texts, labels = _frame_corpus()
    model = FrameClassifier(min_df=1, max_df=1.0, threshold_folds=3).fit(texts, labels)
    assert model.frame_names_ == BOOK.frame_names
    assert RARE not in model.classes_ and set(model.classes_) == {ECON, CRIME}
    probs = model.predict_proba(["budget taxes wages prices", "police arrest suspect prison", ""])
    assert probs.shape == (3, len(BOOK.frame_names))
    assert ((probs >= 0) & (probs <= 1)).all()
    econ, crime = BOOK.frame_names.index(ECON), BOOK.frame_names.index(CRIME)
    assert probs[0, econ] > 0.5 > probs[0, crime]
    assert probs[1, crime] > 0.5 > probs[1, econ]
    assert (probs[:, BOOK.frame_names.index(RARE)] == 0).all()
    assert model.thresholds_by_frame_[RARE] == 1.0
    assert 0.05 <= model.thresholds_by_frame_[ECON] <= 0.95
    assert model.predict(["budget taxes wages prices"])[0, econ] == 1
    assert model.predict_proba([]).shape == (0, len(BOOK.frame_names))


def test_frame_classifier_rejects_unknown_labels() -> None:
    with pytest.raises(ValueError, match="not in the label set"):
        FrameClassifier().fit(["a b"], [["Not a frame"]])


def _slant_corpus() -> tuple[list[str], list[str], list[str]]:
    rng = np.random.default_rng(1)
    lean = {
        "left": ["equity", "climate", "workers"],
        "center": ["bipartisan", "compromise", "data"],
        "right": ["liberty", "border", "taxpayers"],
    }
    texts, y, groups = [], [], []
    for outlet in range(12):
        label = SLANTS[outlet % 3]
        for _ in range(6):
            words = lean[label] + FILLER + [f"signature{outlet}"] * 3
            text = " ".join(rng.choice(words, size=15))
            if outlet == 0:
                text += " zorblatt"  # a term only outlet 0 uses
            texts.append(text)
            y.append(label)
            groups.append(f"outlet{outlet}.example")
    return texts, y, groups


def test_slant_classifier_drops_outlet_specific_terms() -> None:
    texts, y, groups = _slant_corpus()
    model = SlantClassifier(min_df=1, max_df=1.0, min_outlets=3, max_outlet_share=0.5, C=10)
    model.fit(texts, y, groups)
    vocab = model.vectorizer_.vocabulary_
    assert "zorblatt" not in vocab and not any(t.startswith("signature") for t in vocab)
    assert {"equity", "liberty", "bipartisan"} <= set(vocab)
    assert model.classes_ == SLANTS
    probs = model.predict_proba(["climate equity workers", "border liberty taxpayers"])
    assert np.allclose(probs.sum(1), 1)
    assert model.predict(["climate equity workers", "border liberty taxpayers"]).tolist() == ["left", "right"]


def test_reduced_vocabulary_gives_the_same_features_as_training() -> None:
    texts, y, groups = _slant_corpus()
    model = SlantClassifier(min_df=1, max_df=1.0, min_outlets=3, max_outlet_share=0.5, max_features=10)
    model.fit(texts, y, groups)
    pool = tfidf_vectorizer(model.pool_features, 1, 1.0)
    X = pool.fit_transform(texts)
    keep = outlet_term_mask(X, groups, 3, 0.5)
    names = pool.get_feature_names_out()
    terms = list(model.vectorizer_.get_feature_names_out())
    assert len(terms) == 10 and all(keep[list(names).index(t)] for t in terms)
    cols = [list(names).index(t) for t in terms]
    expected = normalize(X[:, cols]).toarray()
    assert np.allclose(model.vectorizer_.transform(texts).toarray(), expected, atol=1e-6)


def test_estimators_follow_the_sklearn_contract() -> None:
    model = FrameClassifier(C=3.0)
    assert clone(model).get_params()["C"] == 3.0
    assert not [k for k in vars(model) if k.endswith("_")]  # nothing fitted in __init__
