"""Slant at the levels analysts read: outlets (is the ranking of outlets right?) and events (are the
articles about one event ordered right?). Both use the slant score P(right) - P(left), the number the
warehouse ranks outlets by (slant_share.slant_score)."""

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
    return df["outlet_domain"].fillna(df["outlet"]).fillna("unknown").to_numpy(dtype=str)


def outlet_level(
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
    if len(per) < 3 or per["label"].nunique() < 2:
        return {**out, "spearman": None, "outlets": [], "worst": []}
    out["spearman"] = float(spearmanr(per["score"], per["label"]).statistic)
    if ratings:
        rated = per[per.index.isin(list(ratings))]
        if len(rated) >= 3:
            fine = np.array([ratings[o] for o in rated.index], dtype=float)
            out["spearman_rating"] = float(spearmanr(rated["score"], fine).statistic)
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


def pair_order(df: pd.DataFrame, score: np.ndarray, groups: Sequence[Any]) -> dict[str, Any]:
    """Within each group (one event's coverage), over every pair of articles with different slant labels,
    the share the score orders like the labels (left < center < right); ties count one half."""
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
