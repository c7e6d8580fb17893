"""The frame decision rule, in one place: an article has every frame whose probability reaches that frame's
threshold, plus its most probable frame (so every article has at least one). It defines the `frames`
column every mart counts; every scorer, the evaluation and the threshold tuning call `decide_frames`
(tests/classifier/test_one_home.py fails when a second copy of the rule appears).

Also here: the grid thresholds are tuned over and the F1-best threshold of one frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def decide_frames(probs: np.ndarray, thresholds: float | np.ndarray) -> np.ndarray:
    """(n_articles, n_frames) int8 indicators: probability >= the frame's threshold (one value for all
    frames, or one per frame), plus the most probable frame of each article."""
    probs = np.asarray(probs)
    limits = np.asarray(thresholds, dtype=float)
    pred = (probs >= (limits[None, :] if limits.ndim else limits)).astype(np.int8)
    if len(probs) and probs.shape[1]:
        pred[np.arange(len(probs)), probs.argmax(1)] = 1
    return pred


def frame_lists(decided: np.ndarray, names: Sequence[str]) -> list[list[str]]:
    """The frame names of each row of `decided` (decide_frames' output), in `names` order."""
    return [[names[int(j)] for j in np.flatnonzero(row)] for row in decided]


def best_f1_threshold(y_true: np.ndarray, scores: np.ndarray, grid: np.ndarray = THRESHOLD_GRID) -> float:
    """The threshold in ``grid`` with the highest F1 of ``scores >= t`` against binary ``y_true``."""
    y = y_true.astype(bool)
    pred = scores[:, None] >= grid[None, :]
    tp = (pred & y[:, None]).sum(0)
    fp = (pred & ~y[:, None]).sum(0)
    fn = y.sum() - tp
    f1 = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    return float(grid[int(np.argmax(f1))])
