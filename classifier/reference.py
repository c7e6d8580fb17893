"""The plain reference every figure of the protocol sits beside: word 1-2 gram TF-IDF (sublinear tf,
min_df 2, no vocabulary pruning) and logistic regression (C=1, no class weights): one-vs-rest for frames
(a frame is predicted at probability >= 0.5, the most probable always), multinomial for slant. One
estimator serves both tasks. Deliberately plain: a model that cannot beat it on unseen outlets is not
worth promoting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from classifier import termcounts

NAME = "plain TF-IDF + LR"
MIN_DF = 2
THRESHOLD = 0.5


class PlainTfidfLR(BaseEstimator):
    """TF-IDF + logistic regression over `classes`: with `multilabel`, one-vs-rest over label lists (the
    frames; `fit(texts, label_lists, languages)`), else one label per text (the slant; `fit(texts,
    labels, outlet_groups)`). The third argument of `fit` is accepted for the recipes' common interface
    and not used. `predict_proba` has one column per class, in `classes` order; a class never seen in
    training gets 0."""

    def __init__(
        self, classes: Sequence[str] = ("left", "center", "right"), multilabel: bool = False
    ) -> None:
        self.classes = classes
        self.multilabel = multilabel

    def fit(
        self, texts: Sequence[str], y: Sequence[Any], _unused: Sequence[Any] | None = None
    ) -> PlainTfidfLR:
        self.classes_ = list(self.classes)
        cache = termcounts.active()
        if cache is not None:  # the protocol's fits: each text tokenised once (classifier.termcounts)
            self.vocabulary_, counts = cache.fit_counts(list(texts), MIN_DF)
        else:
            counter = CountVectorizer(ngram_range=termcounts.NGRAMS, min_df=MIN_DF, dtype=np.float32)
            counts = counter.fit_transform(list(texts))
            self.vocabulary_ = {t: int(i) for t, i in counter.vocabulary_.items()}
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)  # with the counts: TfidfVectorizer
        X = self.tfidf_.transform(counts)
        if self.multilabel:
            Y = np.array([[c in set(row) for c in self.classes_] for row in y], dtype=np.int8)
            self.trained_ = np.flatnonzero((Y.sum(0) > 0) & (Y.sum(0) < len(Y)))
            target: Any = Y[:, self.trained_]
            model: Any = OneVsRestClassifier(LogisticRegression(C=1.0, max_iter=2000))
        else:
            target = np.asarray(y)
            model = LogisticRegression(C=1.0, max_iter=2000)
        with threadpool_limits(limits=1, user_api="blas"):
            self.model_ = model.fit(X, target)
        if not self.multilabel:
            seen = list(self.model_.classes_)
            self.trained_ = np.array([self.classes_.index(c) for c in seen if c in self.classes_])
            self.columns_ = np.array([seen.index(self.classes_[j]) for j in self.trained_])
        return self

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        check_is_fitted(self, "model_")
        out = np.zeros((len(texts), len(self.classes_)))
        if len(texts):
            raw = self.model_.predict_proba(self.tfidf_.transform(self._counts(list(texts))))
            out[:, self.trained_] = raw if self.multilabel else raw[:, self.columns_]
        return out

    def _counts(self, texts: list[str]) -> Any:
        cache = termcounts.active()
        if cache is not None:
            return cache.transform(texts, self.vocabulary_)
        counter = CountVectorizer(
            ngram_range=termcounts.NGRAMS, vocabulary=self.vocabulary_, dtype=np.float32
        )
        return counter.transform(texts)

    # the frames side of the recipes' interface (classifier.recipes.FrameEstimator)
    @property
    def frame_names_(self) -> list[str]:
        return list(self.classes_)

    @property
    def thresholds_(self) -> np.ndarray:
        return np.full(len(self.classes_), THRESHOLD)

    @property
    def thresholds_by_frame_(self) -> dict[str, float]:
        return dict.fromkeys(self.classes_, THRESHOLD)


def plain_frames(names: Sequence[str]) -> PlainTfidfLR:
    return PlainTfidfLR(tuple(names), multilabel=True)


def plain_slant(labels: Sequence[str] = ("left", "center", "right")) -> PlainTfidfLR:
    return PlainTfidfLR(tuple(labels))
