"""Train, cross-validate and save Classifier v1 (the TF-IDF + logistic-regression baseline).

Frames: SemEval-2023 frames file (all languages), k-fold cross-validation stratified by language; micro and
macro F1 overall and on English only. Slant: AllSides, GroupKFold by outlet domain so every fold is
scored on outlets the model never saw. Then the model is fitted on all data and saved with its card.
"""

from __future__ import annotations

import hashlib
import logging
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.progress import Progress
from sklearn.base import clone
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import GroupKFold, StratifiedKFold

from classifier import registry, tone
from classifier.baseline import BaselineModel, FrameClassifier, SlantClassifier
from classifier.data import DataError, dataset_hash, frame_rows, load_labeled, slant_rows, texts_of
from classifier.progress import progress_bar
from labels.codebook import load_codebook

logger = logging.getLogger(__name__)

LIBRARIES = ("scikit-learn", "skops", "numpy", "scipy", "pandas", "vaderSentiment")


def _f1s(Y: np.ndarray, P: np.ndarray) -> tuple[float, float]:
    return (
        float(f1_score(Y, P, average="micro", zero_division=0)),
        float(f1_score(Y, P, average="macro", zero_division=0)),
    )


def cross_validate_frames(
    template: FrameClassifier,
    df: pd.DataFrame,
    folds: int,
    bar: Progress | None = None,
    random_state: int = 0,
) -> dict[str, Any]:
    """Out-of-fold frame predictions from ``folds`` folds stratified by language, and their F1 scores."""
    texts = np.array(texts_of(df), dtype=object)
    languages = df["language"].fillna("unknown").to_numpy()
    names = list(template.frame_names or load_codebook().frame_names)
    Y = np.array([[n in set(row) for n in names] for row in df["frames"]], dtype=np.int8)
    predicted = np.zeros_like(Y)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    task = bar.add_task("frames: cross-validation", total=folds) if bar else None
    for train_idx, test_idx in splitter.split(texts, languages):
        model = clone(template).fit(list(texts[train_idx]), df["frames"].iloc[train_idx].tolist())
        predicted[test_idx] = model.predict(list(texts[test_idx]))
        if bar is not None and task is not None:
            bar.advance(task)
    labeled = [j for j in range(len(names)) if Y[:, j].any()]
    micro, macro = _f1s(Y[:, labeled], predicted[:, labeled])
    english = languages == "en"
    en_micro: float | None = None
    en_macro: float | None = None
    if english.any():
        en_micro, en_macro = _f1s(Y[english][:, labeled], predicted[english][:, labeled])
    per_frame = f1_score(Y[:, labeled], predicted[:, labeled], average=None, zero_division=0)
    return {
        "protocol": f"{folds}-fold StratifiedKFold by language",
        "n_rows": int(len(df)),
        "languages": {k: int(v) for k, v in df["language"].value_counts().items()},
        "micro_f1": micro,
        "macro_f1": macro,
        "en_micro_f1": en_micro,
        "en_macro_f1": en_macro,
        "n_english": int(english.sum()),
        "per_frame_f1": {names[j]: float(f) for j, f in zip(labeled, per_frame, strict=True)},
        "mean_labels_per_article": float(Y.sum(1).mean()),
        "mean_predicted_per_article": float(predicted.sum(1).mean()),
    }


def slant_groups(df: pd.DataFrame) -> np.ndarray:
    """The outlet of each row: outlet_domain, else outlet name; an error if neither is present."""
    groups = df["outlet_domain"].fillna(df["outlet"])
    if groups.isna().any():
        raise DataError(
            f"{int(groups.isna().sum())} slant row(s) have neither outlet_domain nor outlet; slant needs "
            "outlets to hold them out in cross-validation and to drop outlet-specific terms"
        )
    return groups.to_numpy(dtype=str)


def cross_validate_slant(
    template: SlantClassifier, df: pd.DataFrame, folds: int, bar: Progress | None = None
) -> dict[str, Any]:
    """GroupKFold by outlet: every article is predicted by a model that never saw its outlet."""
    texts = np.array(texts_of(df), dtype=object)
    y = df["slant"].to_numpy(dtype=str)
    groups = slant_groups(df)
    predicted = np.empty(len(df), dtype=object)
    task = bar.add_task("slant: cross-validation (unseen outlets)", total=folds) if bar else None
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(texts, y, groups):
        model = clone(template).fit(list(texts[train_idx]), y[train_idx], groups[train_idx])
        predicted[test_idx] = model.predict(list(texts[test_idx]))
        if bar is not None and task is not None:
            bar.advance(task)
    labels = list(template.labels or load_codebook().slant_labels)
    predicted = predicted.astype(str)
    majority = pd.Series(y).value_counts().idxmax()
    per_class = f1_score(y, predicted, labels=labels, average=None, zero_division=0)
    return {
        "protocol": f"{folds}-fold GroupKFold by outlet_domain (test outlets unseen in training)",
        "n_rows": int(len(df)),
        "n_outlets": int(len(set(groups))),
        "class_counts": {k: int(v) for k, v in df["slant"].value_counts().items()},
        "macro_f1": float(f1_score(y, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y, predicted)),
        "majority_accuracy": float(np.mean(y == majority)),
        "per_class_f1": {k: float(v) for k, v in zip(labels, per_class, strict=True)},
        "confusion_matrix": {
            "labels": labels,
            "rows_true_cols_pred": confusion_matrix(y, predicted, labels=labels).tolist(),
        },
    }


def _load_files(paths: Sequence[Path]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Load and validate each file once; also return per-file provenance (name, path, rows, hash)."""
    parts, entries = [], []
    for path in paths:
        df = load_labeled(path)
        parts.append(df)
        entries.append(
            {"name": path.name, "path": str(path), "rows": int(len(df)), "dataset_hash": dataset_hash(df)}
        )
    combined = pd.concat(parts, ignore_index=True)
    if combined["id"].duplicated().any():
        raise DataError(
            f"duplicate row ids across {', '.join(map(str, paths))}; each labeled row needs a unique id"
        )
    return combined, entries


def _data_section(files: list[dict[str, Any]], df: pd.DataFrame) -> dict[str, Any]:
    return {"files": files, "rows": int(len(df)), "dataset_hash": dataset_hash(df)}


def _json_params(model: BaselineModel) -> dict[str, Any]:
    return {
        k: v
        for k, v in model.get_params(deep=True).items()
        if v is None or isinstance(v, str | int | float | bool)
    }


def build_card(
    model: BaselineModel,
    version: str,
    frames_df: pd.DataFrame,
    slant_df: pd.DataFrame,
    frame_files: list[dict[str, Any]],
    slant_files: list[dict[str, Any]],
    data_hash: str,
    metrics: dict[str, Any],
) -> dict[str, Any]:
    book = load_codebook()
    return {
        "version": version,
        "kind": registry.KIND,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "codebook_version": book.version,
        "data": {
            "dataset_hash": data_hash,
            "frames": _data_section(frame_files, frames_df),
            "slant": _data_section(slant_files, slant_df),
        },
        "libraries": {"python": platform.python_version(), **{n: dist_version(n) for n in LIBRARIES}},
        "labels": {
            "frames": model.frame_names_,
            "slant": model.slant_labels_,
            "tone": list(book.tone_labels),
        },
        "trained_frames": list(model.frames_.classes_),
        "thresholds": model.frame_thresholds_,
        "slant_vocabulary": {
            "pool_terms": model.slant_.n_terms_pool_,
            "after_outlet_filter": model.slant_.n_terms_outlet_filtered_,
            "used": len(model.slant_.vectorizer_.vocabulary_),
        },
        "params": _json_params(model),
        "metrics": metrics,
        "tone": {
            "method": tone.METHOD,
            "negative_below": tone.NEGATIVE_BELOW,
            "positive_above": tone.POSITIVE_ABOVE,
            "note": "lexicon-based until labeled tone data exists",
        },
        "primary_frame": "argmax of frame probabilities (no primary-frame labels in the training data)",
    }


def train_baseline(
    frame_files: Sequence[str | Path],
    slant_files: Sequence[str | Path],
    out_dir: str | Path,
    cv_folds: int = 5,
    max_slant_rows: int | None = None,
    progress: bool = True,
    *,
    max_frame_rows: int | None = None,
    model: BaselineModel | None = None,
    random_state: int = 0,
) -> str:
    """Cross-validate, fit on all data, save to ``out_dir/<version>/``; returns the version.

    ``max_slant_rows``/``max_frame_rows`` subsample the data (random, fixed seed); ``model`` overrides
    the default hyperparameters. ``cv_folds=0`` skips cross-validation (the card then has no metrics).
    """
    frame_paths, slant_paths = [Path(p) for p in frame_files], [Path(p) for p in slant_files]
    frames_all, frame_entries = _load_files(frame_paths)
    slant_all, slant_entries = _load_files(slant_paths)
    frames_df, slant_df = frame_rows(frames_all), slant_rows(slant_all)
    if max_frame_rows is not None and len(frames_df) > max_frame_rows:
        frames_df = frames_df.sample(max_frame_rows, random_state=random_state).reset_index(drop=True)
    if max_slant_rows is not None and len(slant_df) > max_slant_rows:
        slant_df = slant_df.sample(max_slant_rows, random_state=random_state).reset_index(drop=True)
    if frames_df.empty or slant_df.empty:
        raise DataError(
            "training needs rows with frame labels and rows with slant labels; found none of one kind"
        )
    template = model if model is not None else BaselineModel()
    frame_template = template.frames if template.frames is not None else FrameClassifier()
    slant_template = template.slant if template.slant is not None else SlantClassifier()
    logger.info("training on %d frame rows and %d slant rows", len(frames_df), len(slant_df))

    metrics: dict[str, Any] = {}
    with progress_bar(progress) as bar:
        if cv_folds >= 2:
            metrics["frames"] = cross_validate_frames(frame_template, frames_df, cv_folds, bar, random_state)
            metrics["slant"] = cross_validate_slant(slant_template, slant_df, cv_folds, bar)
        final = bar.add_task("final fit on all data", total=1)
        fitted = clone(template).fit(
            texts_of(frames_df),
            frames_df["frames"].tolist(),
            texts_of(slant_df),
            slant_df["slant"].tolist(),
            slant_groups(slant_df),
        )
        bar.advance(final)

    data_hash = hashlib.sha256((dataset_hash(frames_df) + dataset_hash(slant_df)).encode()).hexdigest()
    version = registry.make_version(data_hash)
    card = build_card(fitted, version, frames_df, slant_df, frame_entries, slant_entries, data_hash, metrics)
    registry.save_model(fitted, card, out_dir)
    return version
