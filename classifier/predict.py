"""Inference for models scored on whole texts (the composite kind): :class:`TextScorer` turns a fitted
:class:`classifier.composite.CompositeModel` into a :class:`classifier.scoring.Scorer`. Versions are
loaded by kind in one place, classifier.versions.load.

``primary_frame`` is the most probable frame: the training data has no primary-frame labels.
``frames`` are the frames over their tuned thresholds, always including the primary frame.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifier.composite import KIND as COMPOSITE_KIND
from classifier.composite import CompositeModel
from classifier.evidence import DEFAULT_K, article_sentences, evidence_for
from classifier.scoring import Doc, Prediction, Probabilities, compose_text, in_batches, score_in_batches
from classifier.thresholds import frame_lists
from classifier.tone import ToneScorer, tone_label

logger = logging.getLogger(__name__)


@dataclass
class TextScorer:
    """Scores documents with one model version scored on whole texts (the composite kind)."""

    model: CompositeModel
    version: str
    evidence_k: int = DEFAULT_K
    tone: ToneScorer = field(default_factory=ToneScorer)
    card: dict[str, Any] = field(default_factory=dict)
    kind: str = COMPOSITE_KIND

    def probabilities(self, docs: Sequence[Doc], batch_size: int = 64) -> Probabilities:
        """Frame and slant probabilities of ``docs`` (each document's language calibrates its frames)."""
        return in_batches(self._probabilities, docs, batch_size)

    def _probabilities(self, docs: Sequence[Doc]) -> Probabilities:
        model = self.model
        texts = [compose_text(d.title, d.text) for d in docs]
        names = list(model.frame_names_)
        return Probabilities(
            names,
            list(model.slant_labels_),
            np.array([model.frame_thresholds_[n] for n in names]),
            model.predict_proba_frames(texts, [d.language for d in docs]),
            model.predict_proba_slant(texts),
        )

    def score(self, docs: Sequence[Doc], batch_size: int = 64) -> list[Prediction]:
        """Predictions for ``docs``, in order, computed in vectorised batches of ``batch_size``."""
        return score_in_batches(self._score_batch, docs, batch_size)

    def _score_batch(self, docs: Sequence[Doc]) -> list[Prediction]:
        probs = self._probabilities(docs)
        names, slant_labels = probs.frame_names, probs.slant_labels
        frames = frame_lists(probs.decided(), names)
        primary = probs.frames.argmax(1)
        slants = [slant_labels[j] for j in probs.slant.argmax(1)]
        texts = [compose_text(d.title, d.text) for d in docs]
        languages = [d.language for d in docs]
        sentences = [article_sentences(t) for t in texts]
        evidence = evidence_for(
            self.model.evidence_model(), sentences, frames, slants, k=self.evidence_k, languages=languages
        )
        predictions = []
        for i in range(len(texts)):
            tone_score = self.tone.score(sentences[i])
            predictions.append(
                Prediction(
                    frame_probs={n: float(p) for n, p in zip(names, probs.frames[i], strict=True)},
                    frames=frames[i],
                    primary_frame=names[primary[i]],
                    slant_probs={n: float(p) for n, p in zip(slant_labels, probs.slant[i], strict=True)},
                    slant=slants[i],
                    tone_score=float(tone_score),
                    tone=tone_label(tone_score),
                    evidence=evidence[i],
                )
            )
        return predictions
