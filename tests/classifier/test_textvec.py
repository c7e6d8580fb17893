"""Scoring without scikit-learn gives scikit-learn's numbers: the word analyzer, counts over a fitted
vocabulary and l2 normalisation of classifier.textvec against CountVectorizer and normalize on real
articles; a saved slant model scores through both paths alike; and loading and scoring the promoted model
imports neither scikit-learn nor scipy.stats."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from classifier.frames import CalibratedFrames
from classifier.params import NotFittedError
from classifier.slant import CueStrippedSlant
from classifier.textvec import count_matrix, l2_normalize, word_ngrams
from tests.processes import modules_imported

# what the analyzer must get right: case, accents, apostrophes, digits, underscores, one-letter words
ODD = [
    "",
    "a",
    "I am OK.",
    "Don't stop—it's 2026!",
    "Ünïcödé façade naïve CAFÉ",
    "x_y __init__ 3.14 e-mail",
    "one",
    "one two",
    "  spaced\tout\nlines  ",
    "Ελληνικά και русский текст",
    "Hello hello HELLO",
]


@pytest.fixture(scope="module")
def texts(shared_files) -> list[str]:
    df = pd.read_parquet(shared_files[1], columns=["title", "text"]).sample(300, random_state=0)
    return [f"{t}\n{x}" for t, x in zip(df["title"], df["text"], strict=True)] + ODD


def test_the_analyzer_is_scikit_learns(texts):
    for ngram_range in ((1, 1), (1, 2), (2, 3), (1, 3)):
        analyze = CountVectorizer(ngram_range=ngram_range).build_analyzer()
        for text in texts:
            assert word_ngrams(text, ngram_range) == analyze(text), (ngram_range, text[:80])


def test_counts_over_a_vocabulary_are_scikit_learns(texts):
    fitted = CountVectorizer(ngram_range=(1, 2), min_df=2, dtype=np.float32).fit(texts[:200])
    expected = fitted.transform(texts)
    got = count_matrix((word_ngrams(t) for t in texts), fitted.vocabulary_)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert (got != expected).nnz == 0
    assert np.array_equal(got.indices, expected.indices) and np.array_equal(got.indptr, expected.indptr)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_l2_normalize_is_scikit_learns_to_the_bit(texts, dtype):
    counts = CountVectorizer(dtype=dtype).fit_transform(texts)
    X = counts.astype(np.float64) if dtype is np.int64 else counts.copy()
    if dtype is not np.int64:
        X.data = (1.0 + np.log(X.data)).astype(dtype)
    X = sp.vstack([X, sp.csr_matrix((1, X.shape[1]), dtype=X.dtype)]).tocsr()  # a row of zeros stays zero
    expected, got = normalize(X), l2_normalize(X)
    assert got.dtype == expected.dtype
    assert np.array_equal(got.data, expected.data) and np.array_equal(got.indices, expected.indices)
    assert got is not X and X.data.max() > 1.0  # a copy: the input is left as it was


def test_a_slant_model_scores_alike_with_and_without_scikit_learn(texts):
    labels = np.array(["left", "center", "right"])[np.arange(300) % 3].tolist()
    groups = [f"outlet{i % 12}" for i in range(300)]
    model = CueStrippedSlant(min_outlets=2, max_outlet_share=1.0, max_df=1.0, boilerplate_min_docs=0)
    model.fit(texts[:300], labels, groups)
    # the same features built by scikit-learn's vectorizer over the fitted vocabulary
    lines_vectorizer = CountVectorizer(ngram_range=(1, 2), dtype=np.float32, vocabulary=model.vocabulary_)
    expected = model._tfidf(model._line_counts(texts, lines_vectorizer.transform))
    got = model.features(texts)
    assert (abs(got - expected) > 0).nnz == 0


def test_models_clone_and_refuse_to_score_unfitted():
    model = CalibratedFrames(C=3.0, inner_folds=4)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()
    assert copy.get_params()["C"] == 3.0 and "CalibratedFrames(C=3.0, inner_folds=4)" == repr(copy)
    with pytest.raises(ValueError, match="no parameter 'c'"):
        copy.set_params(c=1.0)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        copy.predict_proba(["a text"])
    with pytest.raises(NotFittedError):
        CueStrippedSlant().predict_proba(["a text"])


def test_loading_and_scoring_the_promoted_model_imports_no_scikit_learn():
    """Every scoring command and Dask worker loads the model: scikit-learn's import (it loads scipy.stats)
    cost 1.5-2 s of each, more than the model's own load; the flow modules (datasketch's LSH imported
    scipy.integrate) 0.5 s more."""
    code = (
        "from classifier import registry\n"
        "from classifier.scoring import Doc\n"
        "from classifier.versions.load import load_scorer\n"
        "import flows.score, flows.report\n"
        "p = load_scorer(registry.promoted_version()).score([Doc('Senate passes a budget', 'The vote.')])\n"
        "assert p[0].frames\n"
        "import flows.monitor\n"
    )
    heavy = ["sklearn", "scipy.stats", "scipy.optimize", "scipy.integrate", "datasketch"]
    assert modules_imported(code, heavy) == []
