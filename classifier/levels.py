"""Slant at the levels analysts read: outlets (is the ranking of outlets right?) and events (are the
articles about one event ordered right?). Both use the slant score P(right) - P(left), the number the
warehouse ranks outlets by (slant_share.slant_score).

An analyst ranks outlets with one model. Under cross-validation each fold's outlets are scored by a
different model, and those models differ in calibration (each was trained on a different mix of
outlets and labels), so comparing outlets across folds measures the folds more than the ranking. With
`folds` (the test fold of every row), the figures therefore compare only what one model scored: the
Spearman correlation within each fold, averaged over the folds (weighted by outlets), and the event pairs
whose two articles were scored by the same model. The pooled figures (every comparison, across folds)
are reported beside them. Outlets are the data's outlet names where it has them (AllSides rates 'New York
Times - News' and '- Opinion' apart), else domains."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

ORDER = {"left": -1.0, "center": 0.0, "right": 1.0}
MIN_OUTLET_ARTICLES = 5
WORST_SHOWN = 5


def slant_score(probs: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """P(right) - P(left) per row."""
    labels = list(labels)
    return probs[:, labels.index("right")] - probs[:, labels.index("left")]


def outlet_groups(df: pd.DataFrame) -> np.ndarray:
    names = df["outlet"] if "outlet" in df else pd.Series([None] * len(df), index=df.index)
    return names.fillna(df["outlet_domain"]).fillna("unknown").to_numpy(dtype=str)


def _spearman(per: pd.DataFrame, column: str = "label") -> float | None:
    if len(per) < 3 or per[column].nunique() < 2 or per["score"].nunique() < 2:
        return None
    return float(spearmanr(per["score"], per[column]).statistic)


def outlet_level(
    df: pd.DataFrame,
    score: np.ndarray,
    ratings: Mapping[str, float] | None = None,
    min_articles: int = MIN_OUTLET_ARTICLES,
    folds: np.ndarray | None = None,
) -> dict[str, Any]:
    """Outlet figures; with `folds` (test fold per row) the Spearman correlations are within folds (see
    the module docstring), the pooled ones beside them."""
    out = _outlet_level(df, score, ratings, min_articles)
    if folds is None or out.get("spearman") is None:
        return out
    pooled = {k: out.get(k) for k in ("spearman", "spearman_rating")}
    per_fold = []
    for f in np.unique(folds):
        rows = np.flatnonzero(folds == f)
        inner = _outlet_level(df.iloc[rows], score[rows], ratings, min_articles)
        if inner.get("spearman") is not None:
            per_fold.append((inner["n_outlets"], inner["spearman"], inner.get("spearman_rating")))
    if per_fold:
        weights = np.array([n for n, _, _ in per_fold], dtype=float)
        out["spearman"] = float(np.average([r for _, r, _ in per_fold], weights=weights))
        rated = [(n, r) for n, _, r in per_fold if r is not None]
        if rated:
            out["spearman_rating"] = float(np.average([r for _, r in rated], weights=[n for n, _ in rated]))
    out["spearman_per_fold"] = [round(r, 4) for _, r, _ in per_fold]
    out["spearman_pooled"] = pooled["spearman"]
    out["spearman_rating_pooled"] = pooled["spearman_rating"]
    out["within_folds"] = True
    return out


def _outlet_level(
    df: pd.DataFrame,
    score: np.ndarray,
    ratings: Mapping[str, float] | None = None,
    min_articles: int = MIN_OUTLET_ARTICLES,
) -> dict[str, Any]:
    """Each outlet's mean slant score over its articles (outlets with >= `min_articles`), the Spearman
    correlation with the outlets' labels (left -1, center 0, right +1: the label their articles carry) and,
    where `ratings` (outlet -> finer lean, e.g. AllSides' -2..2) knows the outlet, with that rating; and the
    worst-placed outlets (largest gap between their rank by score and by label)."""
    frame = pd.DataFrame({"outlet": outlet_groups(df), "score": score, "label": df["slant"].map(ORDER)})
    per = frame.groupby("outlet").agg(n=("score", "size"), score=("score", "mean"), label=("label", "mean"))
    per = per[per["n"] >= min_articles].copy()
    out: dict[str, Any] = {"n_outlets": int(len(per)), "min_articles": min_articles}
    out["spearman"] = _spearman(per)
    if out["spearman"] is None:
        return {**out, "outlets": [], "worst": []}
    if ratings:
        rated = per[per.index.isin(list(ratings))].copy()
        rated["rating"] = [ratings[o] for o in rated.index]
        if _spearman(rated, "rating") is not None:
            out["spearman_rating"] = _spearman(rated, "rating")
            out["n_rated"] = int(len(rated))
    per["rank_score"] = per["score"].rank()
    per["rank_label"] = per["label"].rank()
    per["rank_error"] = (per["rank_score"] - per["rank_label"]).abs()
    names = {v: k for k, v in ORDER.items()}
    rows = [
        {
            "outlet": o,
            "n": int(r.n),
            "label": names.get(round(r.label), str(r.label)),
            "score": round(float(r.score), 4),
            "rank": float(r.rank_score),
            "expected_rank": float(r.rank_label),
        }
        for o, r in per.sort_values("score").iterrows()
    ]
    worst = sorted(rows, key=lambda x: -abs(x["rank"] - x["expected_rank"]))[:WORST_SHOWN]
    return {**out, "outlets": rows, "worst": worst}


def pair_order(
    df: pd.DataFrame, score: np.ndarray, groups: Sequence[Any], folds: np.ndarray | None = None
) -> dict[str, Any]:
    """Within each group (one event's coverage), over every pair of articles with different slant labels,
    the share the score orders like the labels (left < center < right); ties count one half. With `folds`
    (test fold per row) only pairs scored by the same model count; every pair is reported beside it."""
    if folds is None:
        return _pair_order(df, score, groups)
    same = _pair_order(
        df, score, [(g, f) if g is not None else None for g, f in zip(groups, folds, strict=True)]
    )
    pooled = _pair_order(df, score, groups)
    return {
        **same,
        "same_model_pairs_only": True,
        "accuracy_pooled": pooled["accuracy"],
        "n_pairs_pooled": pooled["n_pairs"],
    }


def _pair_order(df: pd.DataFrame, score: np.ndarray, groups: Sequence[Any]) -> dict[str, Any]:
    label = df["slant"].map(ORDER).to_numpy(dtype=float)
    keys = pd.Series(list(groups), dtype=object)
    correct = total = 0.0
    n_groups = 0
    for _key, idx in keys[keys.notna()].groupby(keys[keys.notna()]).groups.items():
        idx = np.asarray(idx)
        if len(idx) < 2:
            continue
        lab, sc = label[idx], score[idx]
        dl = np.sign(lab[:, None] - lab[None, :])
        ds = np.sign(sc[:, None] - sc[None, :])
        upper = np.triu(np.ones_like(dl, dtype=bool), 1) & (dl != 0)
        if not upper.any():
            continue
        n_groups += 1
        total += upper.sum()
        correct += ((dl * ds)[upper] > 0).sum() + 0.5 * (ds[upper] == 0).sum()
    return {
        "n_groups": n_groups,
        "n_pairs": int(total),
        "accuracy": float(correct / total) if total else None,
    }
