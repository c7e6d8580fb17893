"""Evaluate models: any saved version on any shared-schema file, and the cross-validated comparison of
the transformer against the TF-IDF baseline on the same folds in the same run (the issue-4 targets).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from classifier.data import frame_rows, slant_rows, texts_of
from classifier.folds import slant_groups
from classifier.metrics import frame_metrics, slant_metrics
from classifier.transformer import KIND

logger = logging.getLogger(__name__)

TARGET_FRAMES_EN_DELTA = 0.05
TARGET_SLANT_MACRO_F1 = 0.55


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


def with_baseline(
    frames_df: pd.DataFrame,
    slant_df: pd.DataFrame,
    f_folds: list,
    s_folds: list,
    names: Sequence[str],
    labels: Sequence[str],
    config: Any,
    transformer: dict[str, Any],
) -> dict[str, Any]:
    """The TF-IDF baseline cross-validated on the transformer's folds in the same run, both with their
    protocol, the issue-4 targets and a printable summary."""
    base = baseline_cv(frames_df, slant_df, f_folds, s_folds, names, labels, config.seed)
    results: dict[str, Any] = {
        "baseline": {"frames": base["frames"], "slant": base["slant"]},
        "transformer": transformer,
    }
    results["protocol"] = {
        "frames": f"{len(f_folds)}-fold StratifiedKFold by language (seed {config.seed}), {len(frames_df)} "
        "articles; thresholds tuned on training data only; English = English rows of the "
        "out-of-fold predictions",
        "slant": f"{len(s_folds)}-fold GroupKFold by outlet_domain on {len(slant_df)} articles from "
        f"{slant_df['outlet_domain'].nunique()} outlets (<= {config.slant_per_outlet} per outlet); "
        "test outlets unseen",
    }
    results["targets"] = targets(results)
    results["summary"] = summary(results)
    return results


def baseline_cv(
    frames_df: pd.DataFrame,
    slant_df: pd.DataFrame,
    f_folds: list,
    s_folds: list,
    names: Sequence[str],
    labels: Sequence[str],
    seed: int,
) -> dict[str, Any]:
    """The TF-IDF baseline's out-of-fold metrics on the given folds (frames and slant)."""
    from classifier.baseline import FrameClassifier, SlantClassifier

    f_texts = np.array(texts_of(frames_df), dtype=object)
    b_probs = np.zeros((len(frames_df), len(names)))
    b_pred = np.zeros((len(frames_df), len(names)), dtype=np.int8)
    for train_idx, test_idx in f_folds:
        model = clone(FrameClassifier(frame_names=list(names), random_state=seed))
        model.fit(list(f_texts[train_idx]), frames_df["frames"].iloc[train_idx].tolist())
        b_probs[test_idx] = model.predict_proba(list(f_texts[test_idx]))
        thresholds = np.array(list(model.thresholds_by_frame_.values()))
        b_pred[test_idx] = decide_frames(b_probs[test_idx], thresholds)
    out = {"frames": frame_metrics(frames_df, b_probs, b_pred, list(names)), "frame_probs": b_probs}

    s_texts = np.array(texts_of(slant_df), dtype=object)
    y, groups = slant_df["slant"].to_numpy(dtype=str), slant_groups(slant_df)
    s_probs = np.zeros((len(slant_df), len(labels)))
    for train_idx, test_idx in s_folds:
        model = clone(SlantClassifier(labels=list(labels))).fit(
            list(s_texts[train_idx]), y[train_idx], groups[train_idx]
        )
        s_probs[test_idx] = model.predict_proba(list(s_texts[test_idx]))
    out["slant"] = slant_metrics(slant_df, s_probs, list(labels))
    out["slant_probs"] = s_probs
    return out


def _en(m: dict[str, Any]) -> float:
    return float(m["frames"]["by_language"].get("en", {}).get("micro_f1") or 0.0)


def targets(results: dict[str, Any]) -> dict[str, Any]:
    b, t = results["baseline"], results["transformer"]
    delta = _en(t) - _en(b)
    s_b, s_t = b["slant"]["macro_f1"], t["slant"]["macro_f1"]
    return {
        "frames_en_micro_f1": {
            "baseline": _en(b),
            "transformer": _en(t),
            "delta": delta,
            "target": f"delta >= {TARGET_FRAMES_EN_DELTA}",
            "met": delta >= TARGET_FRAMES_EN_DELTA,
        },
        "slant_unseen_macro_f1": {
            "baseline": s_b,
            "transformer": s_t,
            "target": f"> baseline and > {TARGET_SLANT_MACRO_F1}",
            "met": s_t > s_b and s_t > TARGET_SLANT_MACRO_F1,
        },
    }


def summary(results: dict[str, Any]) -> str:
    b, t = results["baseline"], results["transformer"]
    rows = [
        ("frames micro-F1 (all languages)", b["frames"]["micro_f1"], t["frames"]["micro_f1"]),
        ("frames macro-F1 (all languages)", b["frames"]["macro_f1"], t["frames"]["macro_f1"]),
        ("frames micro-F1 (English)", _en(b), _en(t)),
        ("frames ECE", b["frames"]["calibration"]["ece"], t["frames"]["calibration"]["ece"]),
        ("slant macro-F1 (unseen outlets)", b["slant"]["macro_f1"], t["slant"]["macro_f1"]),
        ("slant accuracy (unseen outlets)", b["slant"]["accuracy"], t["slant"]["accuracy"]),
        ("slant ECE", b["slant"]["calibration"]["ece"], t["slant"]["calibration"]["ece"]),
    ]
    lines = [f"{'metric':34} {'baseline':>9} {'transformer':>12}"]
    lines += [f"{name:34} {bv:9.3f} {tv:12.3f}" for name, bv, tv in rows]
    for key, tgt in results.get("targets", {}).items():
        lines.append(f"target {key}: {tgt['target']} -> {'MET' if tgt['met'] else 'NOT MET'}")
    return "\n".join(lines)
