"""The protocol's detailed figures, kept in the card beside the table (classifier.table): per frame,
per language and per outlet, calibration, the outlet ranking with the worst-placed outlets, same-event
order. Every figure is computed the same way for every column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from classifier.checks import BIG, BIG_GROUPS, CV, DEV, STORIES
from classifier.levels import outlet_level, pair_order, slant_score
from classifier.metrics import frame_metrics, slant_metrics
from classifier.prevalence import prevalence
from classifier.protocol import Run


def frames_figures(
    df: pd.DataFrame,
    probs: np.ndarray,
    decided: np.ndarray,
    names: Sequence[str],
    group_cols: Sequence[str] = ("language", "outlet"),
) -> dict[str, Any]:
    """Article metrics and prevalence error (per language, and per outlet when the data has outlets)."""
    figures: dict[str, Any] = {"article": frame_metrics(df, probs, decided, list(names)), "prevalence": {}}
    for col in group_cols:
        if col in df and df[col].notna().sum():
            figures["prevalence"][col] = prevalence(df, probs, decided, names, group_by=col)
    first = next(iter(figures["prevalence"].values()), None)
    figures["prevalence"]["mae"] = first["mae"] if first else None
    return figures


def slant_figures(
    df: pd.DataFrame,
    probs: np.ndarray,
    labels: Sequence[str],
    events: Sequence[Any] | None,
    ratings: Mapping[str, float] | None,
    folds: np.ndarray | None = None,
) -> dict[str, Any]:
    """Article, outlet and same-event figures of slant probabilities; `folds` (the test fold of each row,
    under cross-validation) keeps outlet and event comparisons within one model (classifier.levels)."""
    score = slant_score(probs, labels)
    figures = {
        "article": slant_metrics(df, probs, list(labels)),
        "outlet": outlet_level(df, score, ratings, folds=folds),
    }
    if events is not None:
        figures["events"] = pair_order(df, score, events, folds=folds)
    return figures


def details(
    run: Run, names: Sequence[str], labels: Sequence[str], ratings: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """check -> column -> figures, for every check the run has."""
    p = run.plan
    out: dict[str, Any] = {}
    for column, outputs in run.outputs.items():
        cv = outputs.get(CV)
        if (
            cv is not None
            and cv.frame_probs is not None
            and cv.frame_decided is not None
            and p.frames is not None
        ):
            out.setdefault("cv frames", {})[column] = frames_figures(
                p.frames, cv.frame_probs, cv.frame_decided, names
            )
        if cv is not None and cv.slant_probs is not None and p.slant is not None:
            out.setdefault(CV, {})[column] = slant_figures(
                p.slant, cv.slant_probs, labels, p.events, ratings, p.slant_fold_of
            )
        for check, split in ((DEV, p.dev), (BIG, p.big), (BIG_GROUPS, p.big_grouped)):
            o = outputs.get(check)
            if o is None or o.slant_probs is None or split is None or p.slant is None:
                continue
            rows = p.slant.iloc[split[1]].reset_index(drop=True)
            events = None if p.events is None else [p.events[i] for i in split[1]]
            out.setdefault(check, {})[column] = slant_figures(rows, o.slant_probs, labels, events, ratings)
        o = outputs.get(STORIES)
        if o is not None and o.slant_probs is not None and p.stories is not None:
            out.setdefault(STORIES, {})[column] = {
                "article": slant_metrics(p.stories, o.slant_probs, list(labels)),
                "events": pair_order(
                    p.stories, slant_score(o.slant_probs, labels), p.stories["story_id"].tolist()
                ),
            }
    return out
