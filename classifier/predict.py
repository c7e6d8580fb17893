"""Inference: load a saved model version as a :class:`classifier.scoring.Scorer` and score documents into
:class:`classifier.scoring.Prediction` rows.

``primary_frame`` is the most probable frame: the training data has no primary-frame labels.
``frames`` are the frames over their tuned thresholds, always including the primary frame.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from classifier.composite import KIND as COMPOSITE_KIND
from classifier.composite import load_composite
from classifier.data import compose_text
from classifier.evidence import DEFAULT_K, article_sentences, evidence_for
from classifier.registry import (
    KIND,
    MODEL_FILE,
    RegistryError,
    load_model,
    model_dir,
    promoted_version,
    read_card,
)
from classifier.scoring import Doc, Prediction, Scorer, score_in_batches
from classifier.tone import ToneScorer, tone_label
from classifier.transformer import KIND as TRANSFORMER_KIND

logger = logging.getLogger(__name__)


class TextModel(Protocol):
    """A model scored on whole texts (the TF-IDF baseline, the composite): per-text probabilities per task,
    the frame names, slant labels and per-frame thresholds."""

    @property
    def frame_names_(self) -> list[str]: ...

    @property
    def slant_labels_(self) -> list[str]: ...

    @property
    def frame_thresholds_(self) -> dict[str, float]: ...

    def predict_proba_frames(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray: ...

    def predict_proba_slant(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass
class TextScorer:
    """Scores documents with one model version scored on whole texts (baseline or composite kind)."""

    model: TextModel
    version: str
    evidence_k: int = DEFAULT_K
    tone: ToneScorer = field(default_factory=ToneScorer)
    card: dict[str, Any] = field(default_factory=dict)
    kind: str = KIND

    def score(self, docs: Sequence[Doc], batch_size: int = 64) -> list[Prediction]:
        """Predictions for ``docs``, in order, computed in vectorised batches of ``batch_size``."""
        return score_in_batches(self._score_batch, docs, batch_size)

    def _score_batch(self, docs: Sequence[Doc]) -> list[Prediction]:
        model = self.model
        texts = [compose_text(d.title, d.text) for d in docs]
        languages = [d.language for d in docs]
        frame_p = model.predict_proba_frames(texts, languages)
        slant_p = model.predict_proba_slant(texts)
        names, slant_labels = model.frame_names_, model.slant_labels_
        thresholds = np.array([model.frame_thresholds_[n] for n in names])
        primary_idx = frame_p.argmax(1)
        frames = [
            [n for j, n in enumerate(names) if row[j] >= thresholds[j] or j == primary_idx[i]]
            for i, row in enumerate(frame_p)
        ]
        slants = [slant_labels[j] for j in slant_p.argmax(1)]
        sentences = [article_sentences(t) for t in texts]
        evidence = evidence_for(model, sentences, frames, slants, k=self.evidence_k, languages=languages)
        predictions = []
        for i in range(len(texts)):
            tone_score = self.tone.score(sentences[i])
            predictions.append(
                Prediction(
                    frame_probs={n: float(p) for n, p in zip(names, frame_p[i], strict=True)},
                    frames=frames[i],
                    primary_frame=names[primary_idx[i]],
                    slant_probs={n: float(p) for n, p in zip(slant_labels, slant_p[i], strict=True)},
                    slant=slants[i],
                    tone_score=float(tone_score),
                    tone=tone_label(tone_score),
                    evidence=evidence[i],
                )
            )
        return predictions


def load_scorer(version: str | None = None, models_dir: Path | str | None = None) -> Scorer:
    """The scorer for ``version``, or for the promoted model when ``version`` is None: a
    :class:`TextScorer` for the composite and baseline kinds, a ``TransformerScorer`` for transformers."""
    chosen = version or promoted_version(models_dir)
    folder = model_dir(chosen, models_dir)
    card = read_card(chosen, models_dir)
    kind = card.get("kind")
    if kind == TRANSFORMER_KIND:
        from classifier.transformer.predict import load_transformer_scorer

        return load_transformer_scorer(folder)
    model: TextModel
    if kind == COMPOSITE_KIND:
        model = load_composite(folder)
    elif kind == KIND:
        model = load_model(folder / MODEL_FILE)
    else:
        raise RegistryError(
            f"model {chosen!r} is of kind {kind!r}, which this framewatch cannot load "
            f"(it knows {COMPOSITE_KIND}, {KIND}, {TRANSFORMER_KIND}); update framewatch or pick another "
            "version"
        )
    logger.info("loaded model %s (%s)", chosen, kind)
    return TextScorer(model=model, version=chosen, card=card, kind=str(kind))
