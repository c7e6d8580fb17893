"""Scoring a labeled file with any saved version (baseline, composite or transformer) for the held-out
evaluation (classifier.heldout); the figures themselves come from classifier.protocol."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifier.data import frame_rows, slant_rows, texts_of
from classifier.metrics import frame_metrics, slant_metrics
from classifier.transformer import KIND

logger = logging.getLogger(__name__)


def load_any_scorer(version: str | None, models_dir: Path | str, backend: str | None = None) -> Any:
    """The scorer of ``version`` (promoted when None), baseline or transformer, chosen by the card's kind;
    ``backend`` picks the transformer's encoder (auto, onnx-int8, onnx, torch)."""
    from classifier.predict import load_scorer
    from classifier.registry import model_dir, promoted_version, read_card

    chosen = version or promoted_version(models_dir)
    if backend and read_card(chosen, models_dir).get("kind") == KIND:
        from classifier.transformer.predict import load_transformer_scorer

        return load_transformer_scorer(model_dir(chosen, models_dir), backend=backend)
    return load_scorer(chosen, models_dir)


def probabilities(
    scorer: Any, texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[str]]:
    """(frame probs, frame thresholds, slant probs, frame names, slant labels) for any scorer kind."""
    if hasattr(scorer, "probabilities"):  # transformer
        scores = scorer.probabilities(list(texts), with_sentences=False)
        m = scorer.model
        return scores.frame_probs, m.thresholds, scores.slant_probs, m.frame_names, m.slant_labels
    model = scorer.model  # baseline
    names = list(model.frame_names_)
    thresholds = np.array([model.frame_thresholds_[n] for n in names])
    return (
        model.predict_proba_frames(list(texts)),
        thresholds,
        model.predict_proba_slant(list(texts)),
        names,
        list(model.slant_labels_),
    )


def decide_frames(probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Frames over their thresholds plus the most probable one (the scorers' rule)."""
    pred = (probs >= np.asarray(thresholds)[None, :]).astype(np.int8)
    if len(probs):
        pred[np.arange(len(probs)), probs.argmax(1)] = 1
    return pred


def evaluate_file(scorer: Any, df: pd.DataFrame, batch_size: int = 64) -> dict[str, Any]:
    """Per-task metrics of ``scorer`` on labeled rows of ``df`` (frames and/or slant present)."""
    out: dict[str, Any] = {"model_version": scorer.version, "n_rows": int(len(df))}
    for task, rows in (("frames", frame_rows(df)), ("slant", slant_rows(df))):
        if rows.empty:
            continue
        texts = texts_of(rows)
        parts = [probabilities(scorer, texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        names, labels, thresholds = parts[0][3], parts[0][4], parts[0][1]
        if task == "frames":
            probs = np.concatenate([p[0] for p in parts])
            out["frames"] = frame_metrics(rows, probs, decide_frames(probs, thresholds), names)
        else:
            out["slant"] = slant_metrics(rows, np.concatenate([p[2] for p in parts]), labels)
    if "frames" not in out and "slant" not in out:
        raise ValueError("the file has no frame or slant labels to evaluate against")
    return out
