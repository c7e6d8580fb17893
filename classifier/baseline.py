"""Classifier v1: TF-IDF + linear models for frames (multi-label) and slant (3 classes).

Three estimators following the scikit-learn contract (``fit`` returns self, no logic in ``__init__``,
fitted attributes end in ``_``):

- :class:`FrameClassifier`: word 1-2 gram TF-IDF, one-vs-rest logistic regression over the codebook's
  frames, per-frame decision thresholds tuned on out-of-fold predictions of the training data only.
- :class:`SlantClassifier`: word 1-2 gram TF-IDF, 3-class logistic regression. AllSides slant labels are
  outlet labels, so terms used by few outlets, or mostly by one outlet, are dropped before training
  (``min_outlets``/``max_outlet_share``): otherwise the model learns to recognise outlets, not slant.
- :class:`BaselineModel`: the two together, the object the registry saves and the scorer uses.

Inputs are model texts: title + newline + body (:func:`classifier.data.compose_text`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from labels.codebook import load_codebook

logger = logging.getLogger(__name__)

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)
# L-BFGS on these problems does many tiny BLAS calls; with threaded BLAS on a busy machine the threads
# mostly wait on each other (measured: 40x slower on 2 shared cores), so fits run with one BLAS thread.
FIT_BLAS_THREADS = 1


def tfidf_vectorizer(max_features: int, min_df: int, max_df: float) -> TfidfVectorizer:
    """Word 1-2 gram TF-IDF with sublinear tf, float32, bounded vocabulary."""
    return TfidfVectorizer(
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=min_df,
        max_df=max_df,
        max_features=max_features,
        dtype=np.float32,
    )


def _compact_vocabulary(vectorizer: TfidfVectorizer) -> None:
    # Plain ints instead of numpy scalars: skops then stores the vocabulary as JSON (4 MB, 1 s)
    # instead of one array file per term (15 MB, 50 s).
    vectorizer.vocabulary_ = {term: int(i) for term, i in vectorizer.vocabulary_.items()}


def best_f1_threshold(y_true: np.ndarray, scores: np.ndarray, grid: np.ndarray = THRESHOLD_GRID) -> float:
    """The threshold in ``grid`` with the highest F1 of ``scores >= t`` against binary ``y_true``."""
    y = y_true.astype(bool)
    pred = scores[:, None] >= grid[None, :]
    tp = (pred & y[:, None]).sum(0)
    fp = (pred & ~y[:, None]).sum(0)
    fn = y.sum() - tp
    f1 = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    return float(grid[int(np.argmax(f1))])


class FrameClassifier(BaseEstimator):
    """Multi-label frame classifier: TF-IDF + one-vs-rest logistic regression + tuned thresholds."""

    def __init__(
        self,
        frame_names: Sequence[str] | None = None,
        max_features: int = 50_000,
        min_df: int = 2,
        max_df: float = 0.9,
        C: float = 10.0,
        class_weight: str | None = "balanced",
        threshold_folds: int = 5,
        min_positives: int = 5,
        random_state: int = 0,
    ) -> None:
        self.frame_names = frame_names
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.C = C
        self.class_weight = class_weight
        self.threshold_folds = threshold_folds
        self.min_positives = min_positives
        self.random_state = random_state

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        languages: Sequence[str | None] | None = None,
    ) -> FrameClassifier:
        """``languages`` is accepted for a common interface with classifier.frames and not used."""
        with threadpool_limits(limits=FIT_BLAS_THREADS, user_api="blas"):
            return self._fit(texts, labels)

    def _fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]]) -> FrameClassifier:
        names = list(self.frame_names) if self.frame_names is not None else load_codebook().frame_names
        unknown = sorted({f for row in labels for f in row} - set(names))
        if unknown:
            raise ValueError(f"frame labels not in the label set: {unknown}")
        Y = np.array([[name in set(row) for name in names] for row in labels], dtype=np.int8)
        trained = [j for j in range(len(names)) if Y[:, j].sum() >= self.min_positives]
        if not trained:
            raise ValueError(f"no frame has at least {self.min_positives} positive examples")
        skipped = [names[j] for j in range(len(names)) if j not in trained]
        if skipped:
            logger.info("frames with < %d positives get probability 0: %s", self.min_positives, skipped)

        self.frame_names_ = names
        self.classes_ = [names[j] for j in trained]
        self.class_index_ = np.array(trained, dtype=np.int64)
        self.vectorizer_ = tfidf_vectorizer(self.max_features, self.min_df, self.max_df)
        X = self.vectorizer_.fit_transform(list(texts))
        _compact_vocabulary(self.vectorizer_)
        Yt = Y[:, trained]
        base = OneVsRestClassifier(
            LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        )
        folds = KFold(self.threshold_folds, shuffle=True, random_state=self.random_state)
        oof = cross_val_predict(base, X, Yt, cv=folds, method="predict_proba")
        self.thresholds_ = np.array([best_f1_threshold(Yt[:, k], oof[:, k]) for k in range(Yt.shape[1])])
        self.model_ = clone(base).fit(X, Yt)
        return self

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """Probabilities, shape (n_texts, len(frame_names_)); frames never trained get 0."""
        check_is_fitted(self, "model_")
        out = np.zeros((len(texts), len(self.frame_names_)))
        if len(texts):
            out[:, self.class_index_] = self.model_.predict_proba(self.vectorizer_.transform(list(texts)))
        return out

    @property
    def thresholds_by_frame_(self) -> dict[str, float]:
        """Decision threshold per frame name; untrained frames get 1.0 (never predicted)."""
        check_is_fitted(self, "thresholds_")
        full = {name: 1.0 for name in self.frame_names_}
        full.update(zip(self.classes_, map(float, self.thresholds_), strict=True))
        return full

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Binary indicator matrix over ``frame_names_`` (probability >= the frame's threshold)."""
        thresholds = np.array(list(self.thresholds_by_frame_.values()))
        return (self.predict_proba(texts) >= thresholds[None, :]).astype(np.int8)


def outlet_term_mask(
    X: sp.spmatrix, groups: Sequence[str], min_outlets: int, max_outlet_share: float
) -> np.ndarray:
    """Terms used by at least ``min_outlets`` outlets and with no outlet holding > ``max_outlet_share``
    of the documents that use them."""
    _, group_idx = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
    n_docs = X.shape[0]
    G = sp.csr_matrix((np.ones(n_docs, dtype=np.float32), (group_idx, np.arange(n_docs))))
    present = (X > 0).astype(np.float32)
    per_outlet = (G @ present).tocsc()
    n_outlets = np.diff(per_outlet.indptr)
    doc_freq = np.asarray(present.sum(0)).ravel()
    top_outlet = per_outlet.max(axis=0).toarray().ravel()
    share = top_outlet / np.maximum(doc_freq, 1)
    return (n_outlets >= min_outlets) & (share <= max_outlet_share)


class SlantClassifier(BaseEstimator):
    """Left/center/right classifier: TF-IDF with outlet-specific terms removed + logistic regression."""

    def __init__(
        self,
        labels: Sequence[str] | None = None,
        max_features: int = 60_000,
        pool_features: int = 200_000,
        min_df: int = 3,
        max_df: float = 0.5,
        min_outlets: int = 20,
        max_outlet_share: float = 0.2,
        C: float = 1.0,
        class_weight: str | None = "balanced",
    ) -> None:
        self.labels = labels
        self.max_features = max_features
        self.pool_features = pool_features
        self.min_df = min_df
        self.max_df = max_df
        self.min_outlets = min_outlets
        self.max_outlet_share = max_outlet_share
        self.C = C
        self.class_weight = class_weight

    def fit(
        self, texts: Sequence[str], y: Sequence[str], groups: Sequence[str] | None = None
    ) -> SlantClassifier:
        """Fit; ``groups`` are the outlets (domains) of the texts, used to drop outlet-specific terms."""
        with threadpool_limits(limits=FIT_BLAS_THREADS, user_api="blas"):
            return self._fit(texts, y, groups)

    def _fit(self, texts: Sequence[str], y: Sequence[str], groups: Sequence[str] | None) -> SlantClassifier:
        labels = list(self.labels) if self.labels is not None else list(load_codebook().slant_labels)
        unknown = sorted(set(y) - set(labels))
        if unknown:
            raise ValueError(f"slant labels not in the label set: {unknown}")
        self.classes_ = labels
        self.vectorizer_ = tfidf_vectorizer(self.pool_features, self.min_df, self.max_df)
        X = self.vectorizer_.fit_transform(list(texts)).tocsr()
        keep = np.ones(X.shape[1], dtype=bool)
        if groups is not None:
            keep = outlet_term_mask(X, groups, self.min_outlets, self.max_outlet_share)
            if keep.sum() == 0:
                logger.warning("outlet filter would drop every term; keeping all terms")
                keep[:] = True
        else:
            logger.warning("no outlet groups given: the slant model may learn outlet-specific terms")
        doc_freq = np.diff(X.tocsc().indptr)
        kept = np.flatnonzero(keep)
        cols = np.sort(kept[np.argsort(-doc_freq[kept], kind="stable")[: self.max_features]])
        self.n_terms_pool_ = int(X.shape[1])
        self.n_terms_outlet_filtered_ = int(keep.sum())
        pool = self.vectorizer_
        self.vectorizer_ = tfidf_vectorizer(self.max_features, self.min_df, self.max_df)
        self.vectorizer_.set_params(vocabulary=[str(t) for t in pool.get_feature_names_out()[cols]])
        self.vectorizer_.idf_ = pool.idf_[cols]  # public setter; also fixes vocabulary_ from `vocabulary`
        X = normalize(X[:, cols])  # equals vectorizer_.transform(texts): same tf-idf values, renormalised
        self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        self.model_.fit(X, np.asarray(y))
        seen = list(self.model_.classes_)
        self.column_order_ = np.array([seen.index(c) if c in seen else -1 for c in labels], dtype=np.int64)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, len(classes_)), columns in codebook order."""
        check_is_fitted(self, "model_")
        out = np.zeros((len(texts), len(self.classes_)))
        if len(texts):
            raw = self.model_.predict_proba(self.vectorizer_.transform(list(texts)))
            present = self.column_order_ >= 0
            out[:, present] = raw[:, self.column_order_[present]]
        return out

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.classes_)[self.predict_proba(texts).argmax(1)]


class BaselineModel(BaseEstimator):
    """Frames + slant baseline. ``frames``/``slant`` are unfitted templates (defaults if None)."""

    def __init__(self, frames: FrameClassifier | None = None, slant: SlantClassifier | None = None) -> None:
        self.frames = frames
        self.slant = slant

    def fit(
        self,
        frame_texts: Sequence[str],
        frame_labels: Sequence[Sequence[str]],
        slant_texts: Sequence[str],
        slant_labels: Sequence[str],
        slant_groups: Sequence[str] | None = None,
    ) -> BaselineModel:
        self.frames_ = clone(self.frames if self.frames is not None else FrameClassifier())
        self.frames_.fit(frame_texts, frame_labels)
        self.slant_ = clone(self.slant if self.slant is not None else SlantClassifier())
        self.slant_.fit(slant_texts, slant_labels, slant_groups)
        self.frame_names_ = list(self.frames_.frame_names_)
        self.slant_labels_ = list(self.slant_.classes_)
        return self

    def predict_proba_frames(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """Frame probabilities, shape (n_texts, len(frame_names_))."""
        check_is_fitted(self, "frames_")
        return self.frames_.predict_proba(texts)

    def predict_proba_slant(self, texts: Sequence[str]) -> np.ndarray:
        """Slant probabilities, shape (n_texts, len(slant_labels_))."""
        check_is_fitted(self, "slant_")
        return self.slant_.predict_proba(texts)

    @property
    def frame_thresholds_(self) -> dict[str, float]:
        return self.frames_.thresholds_by_frame_
