"""Frames from the multilingual sentence view (classifier.sentence_view), and their blend with the char
n-gram model.

- `SentenceFrames`: the article's mean-pooled USE vector (first `max_chunks` 600-character chunks),
  standardised, one strongly regularised logistic regression per frame (C=0.002), then the same
  calibration and decision rule as `CalibratedFrames` (Platt per frame with per-language intercepts on
  inner out-of-fold probabilities; one global threshold plus the most probable frame).
- `BlendedFrames`: the weighted mean of the two models' calibrated probabilities; the threshold is picked
  on the mean of their inner out-of-fold probabilities.

Research of issue 18 (5-fold cross-validation stratified by language on the 1,238 SemEval articles, the
threshold of each fold picked on the other folds): see classifier/what_was_tried.md for the figures."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.frames import CalibratedFrames, best_global_threshold
from classifier.params import Params, check_fitted
from classifier.sentence_view import MAX_CHUNKS, check_provenance, embed_articles, provenance
from classifier.thresholds import decide_frames

logger = logging.getLogger(__name__)


class SentenceFrames(CalibratedFrames):
    """CalibratedFrames on standardised USE article vectors instead of char n-grams. Fitted (besides
    CalibratedFrames' own): mean_, scale_ (the standardisation), encoder_ (provenance of the encoder)."""

    def __init__(
        self,
        frame_names: Sequence[str] | None = None,
        C: float = 0.002,
        class_weight: str | None = None,
        max_chunks: int = MAX_CHUNKS,
        inner_folds: int = 5,
        platt_C: float = 100.0,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            frame_names=frame_names,
            C=C,
            class_weight=class_weight,
            inner_folds=inner_folds,
            platt_C=platt_C,
            random_state=random_state,
        )
        self.max_chunks = max_chunks

    def _fit_features(self, texts: list[str]) -> np.ndarray:
        E = embed_articles(texts, self.max_chunks)
        self.mean_ = E.mean(0)
        self.scale_ = np.maximum(E.std(0), 1e-6)
        self.encoder_ = provenance()
        return self._standardise(E)

    def _standardise(self, E: np.ndarray) -> np.ndarray:
        return ((E - self.mean_) / self.scale_).astype(np.float32)

    def _features(self, texts: list[str]) -> np.ndarray:
        return self._standardise(embed_articles(texts, self.max_chunks))

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {
            "frame_names": self.frame_names_,
            "languages": self.languages_,
            "threshold": self.threshold_,
            "trained": self.trained_.tolist(),
            "encoder": self.encoder_,
            "params": {k: v for k, v in self.get_params().items() if k != "frame_names"},
        }
        arrays = {
            "mean": self.mean_,
            "scale": self.scale_,
            "coef": self.coef_,
            "intercept": self.intercept_,
            "platt": self.platt_.astype(np.float64),
        }
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> SentenceFrames:
        check_provenance(meta["encoder"])
        model = cls(frame_names=meta["frame_names"], **meta.get("params", {}))
        model.frame_names_ = list(meta["frame_names"])
        model.languages_ = list(meta["languages"])
        model.trained_ = np.asarray(meta["trained"], dtype=np.int64)
        model.threshold_ = float(meta["threshold"])
        model.encoder_ = dict(meta["encoder"])
        model.mean_ = np.asarray(arrays["mean"], np.float32)
        model.scale_ = np.asarray(arrays["scale"], np.float32)
        model.coef_ = np.asarray(arrays["coef"], np.float32)
        model.intercept_ = np.asarray(arrays["intercept"], np.float32)
        model.platt_ = np.asarray(arrays["platt"], np.float64)
        return model


class BlendedFrames(Params):
    """p = (1 - weight) * p_char + weight * p_sentence (both calibrated); frames at or over one global
    threshold (best inner out-of-fold micro-F1 of the blend) plus the most probable frame."""

    def __init__(
        self,
        frame_names: Sequence[str] | None = None,
        weight: float = 0.5,
        max_chunks: int = MAX_CHUNKS,
        inner_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.frame_names = frame_names
        self.weight = weight
        self.max_chunks = max_chunks
        self.inner_folds = inner_folds
        self.random_state = random_state

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        languages: Sequence[str | None] | None = None,
    ) -> BlendedFrames:
        folds, seed = self.inner_folds, self.random_state
        self.char_ = CalibratedFrames(frame_names=self.frame_names, inner_folds=folds, random_state=seed)
        self.char_.fit(texts, labels, languages)
        self.sentence_ = SentenceFrames(
            frame_names=self.frame_names, max_chunks=self.max_chunks, inner_folds=folds, random_state=seed
        )
        self.sentence_.fit(texts, labels, languages)
        names = self.char_.frame_names_
        Y = np.array([[n in set(row) for n in names] for row in labels], dtype=np.int8).reshape(
            -1, len(names)
        )
        oof = self._mix(self.char_.oof_, self.sentence_.oof_)
        self.threshold_ = best_global_threshold(Y, oof)
        logger.info("blended frames: weight %.2f, threshold %.2f", self.weight, self.threshold_)
        return self

    def _mix(self, p_char: np.ndarray, p_sentence: np.ndarray) -> np.ndarray:
        return np.asarray((1 - self.weight) * p_char + self.weight * p_sentence)

    @property
    def frame_names_(self) -> list[str]:
        return list(self.char_.frame_names_)

    @property
    def languages_(self) -> list[str]:
        return list(self.char_.languages_)

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        check_fitted(self, "threshold_")
        return self._mix(
            self.char_.predict_proba(texts, languages), self.sentence_.predict_proba(texts, languages)
        )

    def predict(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> np.ndarray:
        return decide_frames(self.predict_proba(texts, languages), self.threshold_)

    @property
    def thresholds_(self) -> np.ndarray:
        out = np.ones(len(self.frame_names_))
        out[self.char_.trained_] = self.threshold_
        return out

    def for_sentences(self) -> CalibratedFrames:
        """The head evidence ranks an article's sentences with (classifier.composite.evidence_model): the
        char view alone. The sentence view would cost an encoder pass per sentence (91.6 ms an article
        against 3.8 for the char view, bench/bench_scoring.py, 2026-12-08); evidence ranks sentences by how
        much a frame stands out in each, which the char view does on its own. Documents keep both views."""
        check_fitted(self, "threshold_")
        return self.char_

    @property
    def thresholds_by_frame_(self) -> dict[str, float]:
        return {n: float(t) for n, t in zip(self.frame_names_, self.thresholds_, strict=True)}

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Both parts' states side by side (arrays prefixed `char.` / `sentence.`)."""
        char_meta, char_arrays = self.char_.to_state()
        sent_meta, sent_arrays = self.sentence_.to_state()
        meta = {
            "weight": self.weight,
            "threshold": self.threshold_,
            "params": self.get_params(),
            "char": char_meta,
            "sentence": sent_meta,
        }
        arrays = {f"char.{k}": v for k, v in char_arrays.items()}
        arrays.update({f"sentence.{k}": v for k, v in sent_arrays.items()})
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> BlendedFrames:
        params = {k: v for k, v in meta.get("params", {}).items() if k != "frame_names"}
        model = cls(frame_names=meta["char"]["frame_names"], **params)
        part = {
            p: {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith(p + ".")}
            for p in ("char", "sentence")
        }
        model.char_ = CalibratedFrames.from_state(meta["char"], part["char"])
        model.sentence_ = SentenceFrames.from_state(meta["sentence"], part["sentence"])
        model.threshold_ = float(meta["threshold"])
        return model
