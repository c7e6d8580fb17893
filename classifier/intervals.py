"""Intervals over the units a figure is about: the protocol resamples outlets (article slant, outlet
ranking), stories or events (pair order) or articles (frames, where the data names no outlets), with
replacement, and recomputes the figure on each resample (a percentile bootstrap). Every figure is a
function of per-unit counts, so one resample is a vector of unit weights (how often each unit was drawn)
and all resamples are one matrix product.

The same weights serve every model in a check, so the difference between two models gets its own
interval (a paired bootstrap): two models scored on the same 11 outlets differ much less from resample to
resample than either does alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.90
RESAMPLES = 1000

# A figure: unit weights (resamples x units) -> one value per resample (NaN where undefined).
Stat = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Estimate:
    """A figure on the data as it is, and its interval over resamples of the units."""

    value: float | None
    lo: float | None = None
    hi: float | None = None

    def to_json(self) -> dict[str, float | None]:
        return {"value": _round(self.value), "lo": _round(self.lo), "hi": _round(self.hi)}

    @classmethod
    def from_json(cls, data: dict[str, float | None] | None) -> Estimate:
        data = data or {}
        return cls(data.get("value"), data.get("lo"), data.get("hi"))

    def text(self, signed: bool = False, bound_digits: int = 2, mark: str = "") -> str:
        """'value[mark] [lo,hi]' as tables print it: the value to 3 decimals (with its sign when `signed`,
        for a difference), the bounds to `bound_digits`; the value alone without an interval, '' without
        a value."""
        if self.value is None:
            return ""
        f = "+." if signed else "."
        if self.lo is None or self.hi is None:
            return f"{self.value:{f}3f}{mark}"
        return f"{self.value:{f}3f}{mark} [{self.lo:{f}{bound_digits}f},{self.hi:{f}{bound_digits}f}]"


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


@dataclass(frozen=True)
class Units:
    """The units of one check (ids in a fixed order) and the resampling weights shared by every model."""

    ids: tuple[str, ...]
    weights: np.ndarray  # (resamples, units): how often each unit was drawn

    @classmethod
    def draw(cls, ids: Sequence[str], resamples: int = RESAMPLES, seed: int = 0) -> Units:
        n = len(ids)
        rng = np.random.default_rng(seed)
        weights = (
            rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float)
            if n
            else np.zeros((resamples, 0))
        )
        return cls(tuple(ids), weights)

    def index(self, row_units: Sequence[object] | np.ndarray) -> np.ndarray:
        """The unit index of each row (-1 for a row whose unit is not among the ids)."""
        where = {u: i for i, u in enumerate(self.ids)}
        return np.array([where.get(str(u), -1) for u in row_units], dtype=np.int64)


@dataclass(frozen=True)
class Measured:
    """A figure of one model on one check: on the data as it is, and on every resample of its units."""

    point: float | None
    draws: np.ndarray

    def estimate(self, level: float = LEVEL) -> Estimate:
        return Estimate(self.point, *_interval(self.draws, level))

    def minus(self, other: Measured, level: float = LEVEL) -> Estimate:
        """self - other with the paired interval (both were measured on the same resamples)."""
        if self.point is None or other.point is None:
            return Estimate(None)
        return Estimate(self.point - other.point, *_interval(self.draws - other.draws, level))


def measure(stat: Stat, units: Units) -> Measured:
    """`stat` on every unit once and on each resample of `units`."""
    point = float(stat(np.ones((1, len(units.ids))))[0]) if units.ids else float("nan")
    draws = stat(units.weights) if units.ids else np.full(len(units.weights), np.nan)
    return Measured(None if np.isnan(point) else point, np.asarray(draws, dtype=float))


def _interval(values: np.ndarray, level: float) -> tuple[float | None, float | None]:
    values = values[~np.isnan(values)]
    if not len(values):
        return None, None
    tail = (1 - level) / 2
    return float(np.quantile(values, tail)), float(np.quantile(values, 1 - tail))


def per_unit(values: np.ndarray, unit_of: np.ndarray, n_units: int) -> np.ndarray:
    """Sum the rows of `values` (rows x k) per unit: (n_units x k); rows of unit -1 are dropped."""
    values = np.asarray(values, dtype=float).reshape(len(unit_of), -1)
    out = np.zeros((n_units, values.shape[1]))
    keep = unit_of >= 0
    np.add.at(out, unit_of[keep], values[keep])
    return out


# -- figures as functions of unit weights ------------------------------------------------------------------


def macro_f1(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str], unit_of: np.ndarray, n_units: int
) -> Stat:
    """Macro-F1 over `labels` (a label never true nor predicted counts 0, as scikit-learn's
    zero_division=0), from each unit's confusion counts."""
    labels = list(labels)
    k = len(labels)
    t = np.array([labels.index(v) for v in y_true])
    p = np.array([labels.index(v) for v in y_pred])
    cells = np.zeros((len(t), k * k))
    cells[np.arange(len(t)), t * k + p] = 1.0
    counts = per_unit(cells, unit_of, n_units)

    def stat(w: np.ndarray) -> np.ndarray:
        conf = (w @ counts).reshape(len(w), k, k)
        tp = np.einsum("bii->bi", conf)
        fp = conf.sum(1) - tp
        fn = conf.sum(2) - tp
        denom = 2 * tp + fp + fn
        f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
        return f1.mean(1)

    return stat


def micro_f1(Y: np.ndarray, D: np.ndarray, unit_of: np.ndarray, n_units: int) -> Stat:
    """Micro-F1 of multi-label decisions D against labels Y, from each unit's tp/fp/fn counts."""
    Y, D = np.asarray(Y, dtype=bool), np.asarray(D, dtype=bool)
    rows = np.stack([(Y & D).sum(1), (~Y & D).sum(1), (Y & ~D).sum(1)], 1)
    counts = per_unit(rows, unit_of, n_units)

    def stat(w: np.ndarray) -> np.ndarray:
        tp, fp, fn = (w @ counts).T
        denom = 2 * tp + fp + fn
        return np.divide(2 * tp, denom, out=np.full_like(tp, np.nan), where=denom > 0)

    return stat


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> Stat:
    """Sum of per-unit numerators over the sum of per-unit denominators (pair order: correct / pairs)."""

    def stat(w: np.ndarray) -> np.ndarray:
        num, den = w @ numerator, w @ denominator
        return np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)

    return stat


def mean(values: np.ndarray) -> Stat:
    """The mean of one value per unit (the frame share error: one absolute error per language x frame
    cell, the cells resampled)."""
    values = np.asarray(values, dtype=float)

    def stat(w: np.ndarray) -> np.ndarray:
        total = w.sum(1)
        return np.divide(w @ values, total, out=np.full(len(w), np.nan), where=total > 0)

    return stat


def _weighted_ranks(values: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks (1-based, ties shared, as scipy's rankdata) of units drawn as often as each row of
    `w` (resamples x units) says, and how many distinct values each resample drew. A unit's rank = the
    draws below its value + (its value's draws + 1) / 2."""
    distinct, group = np.unique(values, return_inverse=True)
    per_value = w @ np.eye(len(distinct))[group]  # (resamples, distinct values): draws of each value
    below = np.cumsum(per_value, axis=1) - per_value
    return (below + (per_value + 1) / 2)[:, group], (per_value > 0).sum(1)


def spearman(points: Sequence[tuple[float, float]], folds: Sequence[int] | None = None) -> Stat:
    """Spearman correlation of per-unit (score, label) points; with `folds` (the fold of each point), the
    correlation within each fold, averaged weighted by the number of points drawn in it. A resample draws
    a unit as often as its weight says (ties are ranked as ties): the Pearson correlation of the drawn
    points' average ranks, weighted by the draws, for every resample at once (what scipy's spearmanr gives
    on the repeated points). A fold with fewer than 3 units drawn, or one value on either side, is left out
    of that resample."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    fold = np.zeros(len(pts), dtype=int) if folds is None else np.asarray(folds, dtype=int)

    def stat(w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float).reshape(-1, len(pts))
        total, weight = np.zeros(len(w)), np.zeros(len(w))
        for f in np.unique(fold):
            sel = fold == f
            wf = w[:, sel]
            (rx, x_values), (ry, y_values) = (
                _weighted_ranks(pts[sel, 0], wf),
                _weighted_ranks(pts[sel, 1], wf),
            )
            n = wf.sum(1)
            ok = ((wf > 0).sum(1) >= 3) & (x_values > 1) & (y_values > 1)
            safe = np.where(ok, n, 1.0)
            dx = rx - ((wf * rx).sum(1) / safe)[:, None]
            dy = ry - ((wf * ry).sum(1) / safe)[:, None]
            cov, vx, vy = (wf * dx * dy).sum(1), (wf * dx * dx).sum(1), (wf * dy * dy).sum(1)
            rho = np.divide(cov, np.sqrt(vx * vy), out=np.zeros(len(w)), where=ok)
            total += np.where(ok, rho * n, 0.0)
            weight += np.where(ok, n, 0.0)
        return np.divide(total, weight, out=np.full(len(w), np.nan), where=weight > 0)

    return stat
