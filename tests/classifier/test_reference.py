"""The plain reference is scikit-learn's TF-IDF + logistic regression, with or without the protocol's
term cache: the same vocabulary, idf and probabilities, for frames (one-vs-rest) and slant."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.reference import plain_frames, plain_slant
from classifier.termcounts import term_cache


@pytest.fixture(scope="module")
def slant_rows(shared_files: tuple[Path, Path]) -> pd.DataFrame:
    return pd.read_parquet(shared_files[1]).sample(160, random_state=3).reset_index(drop=True)


def test_the_term_cache_changes_nothing(slant_rows: pd.DataFrame):
    texts = (slant_rows["title"].fillna("") + "\n" + slant_rows["text"].fillna("")).tolist()
    train, test = texts[:120], texts[120:] + ["", "words never seen anywhere zzqx"]
    labels = [row["slant"] for row in slant_rows["labels"]][:120]
    alone = plain_slant().fit(train, labels)
    reference = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32).fit(train)
    assert alone.vocabulary_ == {t: int(i) for t, i in reference.vocabulary_.items()}
    assert np.array_equal(alone.tfidf_.idf_, reference.idf_)
    with term_cache() as cache:
        cache.counts(test[:5])  # texts the fit never saw are already in the cache: their terms stay out
        cached = plain_slant().fit(train, labels)
        assert cached.vocabulary_ == alone.vocabulary_
        inside = cached.predict_proba(test)
    assert np.array_equal(inside, alone.predict_proba(test))
    assert np.array_equal(cached.predict_proba(test), inside)  # scored outside the block: the same
    frames = [["Economic"] if "tax" in t.lower() else ["Political"] for t in train]
    with term_cache():
        in_cache = plain_frames(["Economic", "Political", "Morality"]).fit(train, frames).predict_proba(test)
    plain = plain_frames(["Economic", "Political", "Morality"]).fit(train, frames).predict_proba(test)
    assert np.array_equal(in_cache, plain) and not plain[:, 2].any()  # a frame never seen: 0
