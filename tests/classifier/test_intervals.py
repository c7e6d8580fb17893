"""Intervals over units (classifier.intervals): a figure on every resample at once equals the figure
computed the plain way on that resample's repeated units."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from classifier import intervals as iv


def _spearman_by_repeating(pts: np.ndarray, fold: np.ndarray, w: np.ndarray) -> float:
    """The definition: repeat each unit as often as it was drawn, scipy's spearmanr within each fold,
    averaged weighted by the points drawn (folds with < 3 units or one value on a side left out)."""
    total = weight = 0.0
    for f in np.unique(fold):
        sel = np.flatnonzero((fold == f) & (w > 0))
        reps = np.repeat(sel, w[sel].astype(int))
        if len(sel) < 3 or np.ptp(pts[reps, 0]) == 0 or np.ptp(pts[reps, 1]) == 0:
            continue
        total += float(spearmanr(pts[reps, 0], pts[reps, 1]).statistic) * len(reps)
        weight += len(reps)
    return total / weight if weight else np.nan


def test_spearman_on_all_resamples_equals_scipy_on_the_repeated_points():
    rng = np.random.default_rng(11)
    n = 23
    labels = rng.integers(0, 3, n).astype(float)  # three classes: many ties
    scores = np.round(labels * 0.4 + rng.normal(0, 0.5, n), 1)  # rounded: ties among scores too
    pts = np.column_stack([scores, labels])
    fold = np.r_[np.zeros(12), np.ones(8), np.full(3, 2)].astype(int)  # a 3-unit fold is often left out
    units = iv.Units.draw([str(i) for i in range(n)], resamples=400, seed=2)
    weights = np.vstack([np.ones(n), units.weights, np.eye(n)[:2].sum(0)])  # as is, resampled, 2 units
    got = iv.spearman([tuple(p) for p in pts], list(fold))(weights)
    want = np.array([_spearman_by_repeating(pts, fold, row) for row in weights])
    assert np.array_equal(np.isnan(got), np.isnan(want)) and np.isnan(want[-1])
    np.testing.assert_allclose(got[~np.isnan(got)], want[~np.isnan(want)], rtol=0, atol=1e-12)
    flat = iv.spearman([tuple(p) for p in pts])(weights[:1])  # one fold: scipy on the points as they are
    assert abs(flat[0] - spearmanr(scores, labels).statistic) < 1e-12
