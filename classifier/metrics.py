"""Metric helpers shared by training and `framewatch evaluate`: F1s, slices, calibration, confusion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

N_BINS = 10
MIN_SLICE_ROWS = 10


def calibration(confidence: np.ndarray, correct: np.ndarray, n_bins: int = N_BINS) -> dict[str, Any]:
    """Expected calibration error and the reliability table (equal-width confidence bins)."""
    confidence, correct = (
        np.asarray(confidence, dtype=float).ravel(),
        np.asarray(correct, dtype=float).ravel(),
    )
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, n_bins - 1)
    bins, ece = [], 0.0
    for b in range(n_bins):
        sel = which == b
        if not sel.any():
            continue
        conf, acc = float(confidence[sel].mean()), float(correct[sel].mean())
        ece += sel.mean() * abs(conf - acc)
        bins.append(
            {
                "lo": float(edges[b]),
                "hi": float(edges[b + 1]),
                "n": int(sel.sum()),
                "mean_confidence": conf,
                "accuracy": acc,
            }
        )
    return {"ece": float(ece) if len(confidence) else None, "bins": bins}


def _f1(Y: np.ndarray, P: np.ndarray, average: str) -> float | None:
    if Y.size == 0:
        return None
    return float(f1_score(Y, P, average=average, zero_division=0))


def frame_metrics(
    df: pd.DataFrame,
    probs: np.ndarray,
    pred: np.ndarray,
    names: Sequence[str],
    min_slice_rows: int = MIN_SLICE_ROWS,
) -> dict[str, Any]:
    """Micro/macro F1 (over frames with at least one positive), per frame, per language/outlet, ECE."""
    Y = np.array([[n in set(row) for n in names] for row in df["frames"]], dtype=np.int8).reshape(
        len(df), len(names)
    )
    labeled = [j for j in range(len(names)) if Y[:, j].any()]
    Yl, Pl = Y[:, labeled], pred[:, labeled]
    p, r, f, s = precision_recall_fscore_support(Yl, Pl, average=None, zero_division=0)
    per_frame = {}
    for k, j in enumerate(labeled):
        tn, fp, fn, tp = confusion_matrix(Y[:, j], pred[:, j], labels=[0, 1]).ravel()
        per_frame[names[j]] = {
            "precision": float(p[k]),
            "recall": float(r[k]),
            "f1": float(f[k]),
            "support": int(s[k]),
            "confusion": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
        }

    def slice_of(mask: np.ndarray) -> dict[str, Any]:
        return {
            "n": int(mask.sum()),
            "micro_f1": _f1(Yl[mask], Pl[mask], "micro"),
            "macro_f1": _f1(Yl[mask], Pl[mask], "macro"),
        }

    langs = (
        df["language"].fillna("unknown").to_numpy() if "language" in df else np.array(["unknown"] * len(df))
    )
    outlets = (
        df["outlet_domain"].fillna(df["outlet"]).fillna("unknown").to_numpy() if "outlet" in df else langs
    )
    by_outlet = {
        o: slice_of(outlets == o)
        for o in pd.Series(outlets).value_counts().index
        if (outlets == o).sum() >= min_slice_rows
    }
    return {
        "n_rows": int(len(df)),
        "micro_f1": _f1(Yl, Pl, "micro"),
        "macro_f1": _f1(Yl, Pl, "macro"),
        "per_frame": per_frame,
        "by_language": {lang: slice_of(langs == lang) for lang in sorted(set(langs))},
        "by_outlet": by_outlet,
        "calibration": calibration(probs[:, labeled], Yl),
        "mean_labels_per_article": float(Y.sum(1).mean()) if len(Y) else None,
        "mean_predicted_per_article": float(pred.sum(1).mean()) if len(pred) else None,
    }


def slant_metrics(
    df: pd.DataFrame, probs: np.ndarray, labels: Sequence[str], min_slice_rows: int = MIN_SLICE_ROWS
) -> dict[str, Any]:
    """Macro-F1, accuracy, per class, confusion matrix, per-outlet/language slices, top-class ECE."""
    labels = list(labels)
    y = df["slant"].to_numpy(dtype=str)
    predicted = np.asarray(labels)[probs.argmax(1)] if len(df) else np.array([], dtype=str)
    per_class = f1_score(y, predicted, labels=labels, average=None, zero_division=0)
    langs = (
        df["language"].fillna("unknown").to_numpy() if "language" in df else np.array(["unknown"] * len(df))
    )
    outlets = df["outlet_domain"].fillna(df["outlet"]).fillna("unknown").to_numpy()

    def slice_of(mask: np.ndarray) -> dict[str, Any]:
        return {
            "n": int(mask.sum()),
            "accuracy": float(accuracy_score(y[mask], predicted[mask])),
            "macro_f1": float(
                f1_score(y[mask], predicted[mask], labels=labels, average="macro", zero_division=0)
            ),
        }

    by_outlet = {}
    for o in pd.Series(outlets).value_counts().index:
        mask = outlets == o
        if mask.sum() >= min_slice_rows:
            by_outlet[o] = {
                **slice_of(mask),
                "label": pd.Series(y[mask]).mode().iloc[0],
                "predicted_share": {c: float((predicted[mask] == c).mean()) for c in labels},
            }
    majority = pd.Series(y).value_counts().idxmax() if len(y) else None
    return {
        "n_rows": int(len(df)),
        "n_outlets": int(len(set(outlets))),
        "class_counts": {k: int(v) for k, v in pd.Series(y).value_counts().items()},
        "macro_f1": float(f1_score(y, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y, predicted)) if len(y) else None,
        "majority_accuracy": float(np.mean(y == majority)) if len(y) else None,
        "per_class_f1": {k: float(v) for k, v in zip(labels, per_class, strict=True)},
        "confusion_matrix": {
            "labels": labels,
            "rows_true_cols_pred": confusion_matrix(y, predicted, labels=labels).tolist(),
        },
        "by_language": {lang: slice_of(langs == lang) for lang in sorted(set(langs))},
        "by_outlet": by_outlet,
        "calibration": calibration(probs.max(1), predicted == y),
    }


def flatten(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """(task, slice, metric, value, n) rows for the warehouse: overall, per frame/class, per
    language/outlet."""
    rows: list[dict[str, Any]] = []
    for task, m in metrics.items():
        if not isinstance(m, dict):
            continue
        for key in ("micro_f1", "macro_f1", "accuracy", "majority_accuracy"):
            if isinstance(m.get(key), int | float):
                rows.append(
                    {
                        "task": task,
                        "slice": "all",
                        "metric": key,
                        "value": float(m[key]),
                        "n": m.get("n_rows"),
                    }
                )
        if isinstance(m.get("calibration", {}).get("ece"), float):
            rows.append(
                {
                    "task": task,
                    "slice": "all",
                    "metric": "ece",
                    "value": m["calibration"]["ece"],
                    "n": m.get("n_rows"),
                }
            )
        for name, row in m.get("per_frame", {}).items():
            rows.append(
                {
                    "task": task,
                    "slice": f"frame:{name}",
                    "metric": "f1",
                    "value": row["f1"],
                    "n": row["support"],
                }
            )
        for name, value in m.get("per_class_f1", {}).items():
            rows.append({"task": task, "slice": f"class:{name}", "metric": "f1", "value": value, "n": None})
        for kind in ("by_language", "by_outlet"):
            for name, row in m.get(kind, {}).items():
                for key in ("micro_f1", "macro_f1", "accuracy"):
                    if isinstance(row.get(key), int | float):
                        rows.append(
                            {
                                "task": task,
                                "slice": f"{kind[3:]}:{name}",
                                "metric": key,
                                "value": float(row[key]),
                                "n": row.get("n"),
                            }
                        )
    return rows
