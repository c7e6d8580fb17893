"""The plain reference every figure of `framewatch evaluate` sits beside: word 1-2 gram TF-IDF (sublinear
tf, min_df 2, no vocabulary pruning) and logistic regression (C=1, no class weights), one-vs-rest for
frames (a frame is predicted at probability >= 0.5, the most probable always), multinomial for slant.
Deliberately plain: a model that cannot beat it on unseen outlets is not worth promoting."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

NAME = "plain TF-IDF + LR"


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)


class PlainFrames(BaseEstimator):
    """Frames: TF-IDF + one-vs-rest logistic regression, threshold 0.5."""

    def __init__(self, frame_names: Sequence[str] | None = None) -> None:
        self.frame_names = frame_names

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        languages: Sequence[str | None] | None = None,
    ) -> PlainFrames:
        names = list(self.frame_names or sorted({f for row in labels for f in row}))
        Y = np.array([[n in set(row) for n in names] for row in labels], dtype=np.int8)
        self.frame_names_ = names
        self.trained_ = np.flatnonzero((Y.sum(0) > 0) & (Y.sum(0) < len(Y)))
        self.vectorizer_ = _vectorizer()
        X = self.vectorizer_.fit_transform(list(texts))
        with threadpool_limits(limits=1, user_api="blas"):
            self.model_ = OneVsRestClassifier(LogisticRegression(C=1.0, max_iter=2000)).fit(
                X, Y[:, self.trained_]
            )
        self.thresholds_ = np.full(len(names), 0.5)
        return self

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        check_is_fitted(self, "model_")
        out = np.zeros((len(texts), len(self.frame_names_)))
        if len(texts):
            out[:, self.trained_] = self.model_.predict_proba(self.vectorizer_.transform(list(texts)))
        return out


class PlainSlant(BaseEstimator):
    """Slant: TF-IDF + multinomial logistic regression."""

    def __init__(self, labels: Sequence[str] = ("left", "center", "right")) -> None:
        self.labels = labels

    def fit(self, texts: Sequence[str], y: Sequence[str], groups: Sequence[str] | None = None) -> PlainSlant:
        self.classes_ = list(self.labels)
        self.vectorizer_ = _vectorizer()
        X = self.vectorizer_.fit_transform(list(texts))
        with threadpool_limits(limits=1, user_api="blas"):
            self.model_ = LogisticRegression(C=1.0, max_iter=2000).fit(X, np.asarray(y))
        seen = list(self.model_.classes_)
        self.column_order_ = np.array([seen.index(c) if c in seen else -1 for c in self.classes_])
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "model_")
        out = np.zeros((len(texts), len(self.classes_)))
        if len(texts):
            raw = self.model_.predict_proba(self.vectorizer_.transform(list(texts)))
            present = self.column_order_ >= 0
            out[:, present] = raw[:, self.column_order_[present]]
        return out
