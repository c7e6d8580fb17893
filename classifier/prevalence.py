"""Frame prevalence: how far the shares analysts read are from the true shares. Per group (a language,
an outlet) and frame, the share estimated by the warehouse's own estimator (warehouse.estimate: the
marts' mean calibrated probability) against the gold share of labeled articles; the mean absolute error
over the group x frame cells, with two references: counting articles over the model's thresholds
(classify and count) and guessing each frame's overall share for every group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from warehouse.estimate import estimate_shares

MIN_GROUP_ARTICLES = 10


def label_matrix(df: pd.DataFrame, names: Sequence[str]) -> np.ndarray:
    return np.array([[n in set(row) for n in names] for row in df["frames"]], dtype=float).reshape(
        len(df), len(names)
    )


def prevalence(
    df: pd.DataFrame,
    probs: np.ndarray,
    decided: np.ndarray,
    names: Sequence[str],
    group_by: str = "language",
    min_articles: int = MIN_GROUP_ARTICLES,
) -> dict[str, Any]:
    """Estimated vs gold frame shares per `group_by` value x frame (groups with >= `min_articles`; frames
    that occur in the gold labels). `frames.prevalence.mae` in the evaluate JSON is `mae`."""
    Y = label_matrix(df, names)
    keys = (
        df[group_by].fillna("unknown").astype(str).to_numpy() if group_by in df else np.full(len(df), "all")
    )
    keep = [j for j in range(len(names)) if Y[:, j].any()]
    counts = pd.Series(keys).value_counts()
    groups = sorted(g for g, c in counts.items() if c >= min_articles)
    if not groups or not keep:
        return {"group_by": group_by, "n_groups": 0, "mae": None, "cells": []}
    mask = np.isin(keys, groups)
    est, _ = estimate_shares(list(keys[mask]), probs[mask], list(names))
    est = est.set_index(["group", "frame"])
    overall = Y[:, keep].mean(0)
    cells = []
    for g in groups:
        rows = keys == g
        for k, j in enumerate(keep):
            gold = float(Y[rows, j].mean())
            cells.append(
                {
                    "group": g,
                    "frame": names[j],
                    "n": int(rows.sum()),
                    "gold": round(gold, 4),
                    "estimated": round(float(est.loc[(g, names[j]), "share"]), 4),
                    "interval": [
                        round(float(est.loc[(g, names[j]), "share_lo"]), 4),
                        round(float(est.loc[(g, names[j]), "share_hi"]), 4),
                    ],
                    "counted": round(float(decided[rows, j].mean()), 4),
                    "naive": round(float(overall[k]), 4),
                }
            )
    table = pd.DataFrame(cells)
    err = (table["estimated"] - table["gold"]).abs()
    covered = (table["interval"].str[0] <= table["gold"]) & (table["gold"] <= table["interval"].str[1])
    return {
        "group_by": group_by,
        "n_groups": len(groups),
        "mae": round(float(err.mean()), 4),
        "mae_counted": round(float((table["counted"] - table["gold"]).abs().mean()), 4),
        "mae_naive": round(float((table["naive"] - table["gold"]).abs().mean()), 4),
        "interval_coverage": round(float(covered.mean()), 4),
        "by_group": {g: round(float(err[table["group"] == g].mean()), 4) for g in groups},
        "cells": cells,
    }
