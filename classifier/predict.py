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
from typing import Any

import numpy as np

from classifier.baseline import BaselineModel
from classifier.data import compose_text
from classifier.evidence import DEFAULT_K, evidence_for, split_sentences
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


@dataclass
class BaselineScorer:
    """Scores documents with one baseline (TF-IDF) model version."""

    model: BaselineModel
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
        frame_p = model.predict_proba_frames(texts)
        slant_p = model.predict_proba_slant(texts)
        names, slant_labels = model.frame_names_, model.slant_labels_
        thresholds = np.array([model.frame_thresholds_[n] for n in names])
        primary_idx = frame_p.argmax(1)
        frames = [
            [n for j, n in enumerate(names) if row[j] >= thresholds[j] or j == primary_idx[i]]
            for i, row in enumerate(frame_p)
        ]
        slants = [slant_labels[j] for j in slant_p.argmax(1)]
        sentences = [split_sentences(t) for t in texts]
        evidence = evidence_for(model, sentences, frames, slants, k=self.evidence_k)
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
    :class:`BaselineScorer` for the baseline, a ``TransformerScorer`` for transformer kinds."""
    chosen = version or promoted_version(models_dir)
    folder = model_dir(chosen, models_dir)
    kind = read_card(chosen, models_dir).get("kind")
    if kind == TRANSFORMER_KIND:
        from classifier.transformer.predict import load_transformer_scorer

        return load_transformer_scorer(folder)
    if kind != KIND:
        raise RegistryError(
            f"model {chosen!r} is a {kind!r} model, not {KIND!r}; load it with the loader for its kind"
        )
    model = load_model(folder / MODEL_FILE)
    logger.info("loaded model %s", chosen)
    return BaselineScorer(model=model, version=chosen, card=read_card(chosen, models_dir))
