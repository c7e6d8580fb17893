"""The evaluation protocol that predicts held-out performance: cross-validation that leaves outlets out,
the AllSides media split's dev outlets as a fixed second check, and figures at the levels analysts read
(articles, outlets, events, frame shares), every one beside the plain reference (classifier.reference)
measured in the same run on the same folds.

A candidate is anything that yields out-of-fold probabilities (:class:`Outputs`): scikit-learn style
estimators are cross-validated here (:func:`run_estimators`); the transformer brings its own out-of-fold
frame probabilities from its training loop on the same folds."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from classifier.data import texts_of
from classifier.events import EventParams, event_groups
from classifier.folds import dev_check_split, frame_folds, slant_folds, slant_groups
from classifier.levels import outlet_level, pair_order, slant_score
from classifier.metrics import frame_metrics, slant_metrics
from classifier.prevalence import prevalence

logger = logging.getLogger(__name__)

Folds = list[tuple[np.ndarray, np.ndarray]]

# What the held-out data is expected to show (issue 12); the summary marks each figure against them.
TARGETS = {
    "frames_en_micro_f1": 0.68,
    "frames_micro_f1": 0.62,
    "frames_prevalence_mae": 0.05,
    "slant_macro_f1": 0.60,
    "slant_outlet_spearman": 0.80,
    "slant_event_pair_order": 0.70,
}


@dataclass
class Candidate:
    """Unfitted estimators: frames (fit(texts, label lists, languages), predict_proba, thresholds) and
    slant (fit(texts, labels, outlet groups), predict_proba); either may be None. `extra_frames` /
    `extra_slant` are labeled rows added to every training fold and never tested on (new gold labels)."""

    name: str
    frames: BaseEstimator | None = None
    slant: BaseEstimator | None = None
    extra_frames: pd.DataFrame | None = None
    extra_slant: pd.DataFrame | None = None


@dataclass
class Outputs:
    """A candidate's out-of-fold (or held-out) probabilities, rows aligned with the evaluated frames."""

    frame_probs: np.ndarray | None = None
    frame_decided: np.ndarray | None = None
    slant_probs: np.ndarray | None = None
    dev_slant_probs: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def thresholds_of(model: Any, names: Sequence[str]) -> np.ndarray:
    """Per-frame decision thresholds of a fitted frame model, in `names` order."""
    if hasattr(model, "thresholds_by_frame_"):
        by_frame = model.thresholds_by_frame_
        return np.array([by_frame.get(n, 1.0) for n in names])
    return np.asarray(model.thresholds_, dtype=float)


def decide(probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Frames over their thresholds plus the most probable one (the scorers' rule)."""
    pred = (probs >= np.asarray(thresholds)[None, :]).astype(np.int8)
    if len(probs):
        pred[np.arange(len(probs)), probs.argmax(1)] = 1
    return pred


def _with_extra(df: pd.DataFrame, rows: np.ndarray, extra: pd.DataFrame | None) -> pd.DataFrame:
    part = df.iloc[rows]
    return part if extra is None or extra.empty else pd.concat([part, extra], ignore_index=True)


def _frame_oof(
    template: BaseEstimator,
    df: pd.DataFrame,
    folds: Folds,
    names: Sequence[str],
    extra: pd.DataFrame | None = None,
) -> tuple:
    texts = np.array(texts_of(df), dtype=object)
    langs = df["language"].to_numpy(dtype=object)
    probs = np.zeros((len(df), len(names)))
    decided = np.zeros((len(df), len(names)), dtype=np.int8)
    for train, test in folds:
        fit_on = _with_extra(df, train, extra)
        model = clone(template).fit(texts_of(fit_on), fit_on["frames"].tolist(), fit_on["language"].tolist())
        probs[test] = model.predict_proba(list(texts[test]), list(langs[test]))
        decided[test] = decide(probs[test], thresholds_of(model, names))
    return probs, decided


def _slant_fit_predict(
    template: BaseEstimator,
    df: pd.DataFrame,
    train: np.ndarray,
    test: np.ndarray,
    extra: pd.DataFrame | None = None,
) -> np.ndarray:
    fit_on = _with_extra(df, train, extra)
    model = clone(template).fit(texts_of(fit_on), fit_on["slant"].to_numpy(dtype=str), slant_groups(fit_on))
    return model.predict_proba(texts_of(df.iloc[test]))


def run_estimators(
    candidate: Candidate,
    frames_df: pd.DataFrame | None,
    slant_df: pd.DataFrame | None,
    f_folds: Folds | None,
    s_folds: Folds | None,
    names: Sequence[str],
    labels: Sequence[str],
    step: Callable[[str], None] | None = None,
) -> Outputs:
    """Cross-validate a candidate's estimators on the given folds, plus the fixed dev-outlet check."""
    out = Outputs()
    if candidate.frames is not None and frames_df is not None and f_folds:
        out.frame_probs, out.frame_decided = _frame_oof(
            candidate.frames, frames_df, f_folds, names, candidate.extra_frames
        )
        if step:
            step(f"{candidate.name}: frames")
    if candidate.slant is not None and slant_df is not None and s_folds:
        out.slant_probs = np.zeros((len(slant_df), len(labels)))
        for train, test in s_folds:
            out.slant_probs[test] = _slant_fit_predict(
                candidate.slant, slant_df, train, test, candidate.extra_slant
            )
        dev = dev_check_split(slant_df)
        if dev is not None:
            out.dev_slant_probs = _slant_fit_predict(candidate.slant, slant_df, *dev, candidate.extra_slant)
        if step:
            step(f"{candidate.name}: slant")
    return out


def frames_figures(
    df: pd.DataFrame, out: Outputs, names: Sequence[str], group_cols: Sequence[str] = ("language", "outlet")
) -> dict[str, Any]:
    """Article metrics and prevalence error (per language, and per outlet when the data has outlets)."""
    if out.frame_probs is None or out.frame_decided is None:
        raise ValueError("no frame probabilities to evaluate")
    article = frame_metrics(df, out.frame_probs, out.frame_decided, list(names))
    figures: dict[str, Any] = {"article": article, "prevalence": {}}
    for col in group_cols:
        values = df[col] if col in df else None
        if values is None or values.notna().sum() == 0:
            continue
        figures["prevalence"][col] = prevalence(df, out.frame_probs, out.frame_decided, names, group_by=col)
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


def report(
    frames_df: pd.DataFrame | None,
    slant_df: pd.DataFrame | None,
    outputs: Mapping[str, Outputs],
    names: Sequence[str],
    labels: Sequence[str],
    events: Sequence[Any] | None = None,
    ratings: Mapping[str, float] | None = None,
    protocol: Mapping[str, str] | None = None,
    slant_fold_of: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every figure for every candidate, side by side, and a printable summary. `slant_fold_of`: the test
    fold of each slant row under cross-validation (None: one model scored every row)."""
    result: dict[str, Any] = {
        "protocol": dict(protocol or {}),
        "candidates": list(outputs),
        "frames": {},
        "slant": {},
        "dev_check": {},
    }
    dev = dev_check_split(slant_df) if slant_df is not None else None
    for name, out in outputs.items():
        if frames_df is not None and out.frame_probs is not None:
            result["frames"][name] = frames_figures(frames_df, out, names)
        if slant_df is not None and out.slant_probs is not None:
            result["slant"][name] = slant_figures(
                slant_df, out.slant_probs, labels, events, ratings, slant_fold_of
            )
        if dev is not None and slant_df is not None and out.dev_slant_probs is not None:
            test = slant_df.iloc[dev[1]].reset_index(drop=True)
            dev_events = None if events is None else [events[i] for i in dev[1]]
            result["dev_check"][name] = slant_figures(test, out.dev_slant_probs, labels, dev_events, ratings)
    result["summary"] = summary(result)
    return result


def cross_validate(
    frames_df: pd.DataFrame,
    slant_df: pd.DataFrame,
    candidates: Sequence[Candidate],
    names: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    seed: int = 0,
    ratings: Mapping[str, float] | None = None,
    extra: Mapping[str, Outputs] | None = None,
    step: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Outputs]]:
    """The whole protocol on labeled data: frames folds stratified by language (grouped by outlet where
    the data has outlets), slant folds grouped by outlet, the dev-outlet check, rebuilt same-event groups,
    every candidate (and `extra` precomputed outputs on the same folds) side by side. Returns the figures
    and each candidate's out-of-fold outputs."""
    f_folds = frame_folds(frames_df, folds, seed)
    s_folds = slant_folds(slant_df, folds, seed)
    events = list(event_groups(slant_df, list(slant_groups(slant_df))))
    outputs = {
        c.name: run_estimators(c, frames_df, slant_df, f_folds, s_folds, names, labels, step)
        for c in candidates
    }
    outputs.update(extra or {})
    dev = dev_check_split(slant_df)
    n_events = pd.Series(events).dropna().nunique()
    protocol = {
        "frames": f"{folds}-fold cross-validation stratified by language (seed {seed})"
        + (", grouped by outlet" if frames_df["outlet_domain"].notna().any() else "")
        + f", {len(frames_df)} articles; thresholds tuned on training folds only",
        "slant": f"{folds}-fold StratifiedGroupKFold (groups: outlet domain, strata: label, seed {seed}) on "
        f"{len(slant_df)} articles from "
        f"{slant_df['outlet_domain'].nunique()} outlets (every test outlet unseen in training)",
        "dev_check": (
            f"trained on {len(dev[0])} articles of outlets outside the dev split, tested on the "
            f"{len(dev[1])} dev-split articles of {slant_df.iloc[dev[1]]['outlet_domain'].nunique()} outlets"
            if dev is not None
            else "no dev split in the data"
        ),
        "events": f"{n_events} same-event groups rebuilt by date window and title/lead similarity "
        f"({EventParams()}); pairs count when one model scored both articles (same test fold)",
        "outlets": "outlets ranked within each test fold (one model), Spearman averaged over the folds "
        "weighted by outlets; the pooled figure across folds is reported beside it",
        "prevalence": "share = the warehouse's estimator (mean calibrated probability) per group x frame vs "
        "the gold share; groups with >= 10 articles",
    }
    fold_of = np.full(len(slant_df), -1)
    for i, (_train, test) in enumerate(s_folds):
        fold_of[test] = i
    result = report(frames_df, slant_df, outputs, names, labels, events, ratings, protocol, fold_of)
    return result, outputs


def get_path(d: Mapping[str, Any], *path: str) -> Any:
    """d[path[0]][path[1]]... or None where a key is missing."""
    for key in path:
        if not isinstance(d, Mapping) or key not in d:
            return None
        d = d[key]
    return d


ROWS = [
    ("frames micro-F1 (all languages)", ("frames", "article", "micro_f1"), "frames_micro_f1"),
    (
        "frames micro-F1 (English)",
        ("frames", "article", "by_language", "en", "micro_f1"),
        "frames_en_micro_f1",
    ),
    ("frames macro-F1", ("frames", "article", "macro_f1"), None),
    ("frame share MAE (language x frame)", ("frames", "prevalence", "mae"), "frames_prevalence_mae"),
    ("  counted over thresholds", ("frames", "prevalence", "language", "mae_counted"), None),
    ("  guessing the overall share", ("frames", "prevalence", "language", "mae_naive"), None),
    ("slant macro-F1", ("slant", "article", "macro_f1"), "slant_macro_f1"),
    ("slant accuracy", ("slant", "article", "accuracy"), None),
    ("outlet ranking Spearman (labels)", ("slant", "outlet", "spearman"), "slant_outlet_spearman"),
    ("outlet ranking Spearman (AllSides rating)", ("slant", "outlet", "spearman_rating"), None),
    ("same-event pair order", ("slant", "events", "accuracy"), "slant_event_pair_order"),
    ("dev outlets: slant macro-F1", ("dev_check", "article", "macro_f1"), None),
    ("dev outlets: outlet Spearman", ("dev_check", "outlet", "spearman"), None),
    ("dev outlets: same-event pair order", ("dev_check", "events", "accuracy"), None),
]


def summary(result: Mapping[str, Any]) -> str:
    """A table: one row per figure, one column per candidate, the target where there is one."""
    names = list(result["candidates"])
    width = max(12, *(len(n) for n in names)) if names else 12
    lines = [f"{'figure':44}" + "".join(f" {n:>{width}}" for n in names) + "   target"]
    for label, (section, *path), target in ROWS:
        values = [get_path(result.get(section, {}).get(n, {}), *path) for n in names]
        if all(v is None for v in values):
            continue
        cells = "".join(f" {('' if v is None else f'{v:.3f}'):>{width}}" for v in values)
        goal = TARGETS.get(target or "")
        mark = "" if goal is None else ("<= " if "mae" in (target or "") else ">= ") + f"{goal:.2f}"
        lines.append(f"{label:44}{cells}   {mark}")
    for n in names:
        worst = get_path(result.get("slant", {}).get(n, {}), "outlet", "worst")
        if worst:
            shown = ", ".join(
                f"{w['outlet']} ({w['label']}, rank {w['rank']:.0f} vs {w['expected_rank']:.0f})"
                for w in worst[:3]
            )
            lines.append(f"worst-placed outlets, {n}: {shown}")
    return "\n".join(lines)


# The protocol's main figures: label -> (section, path inside a candidate's figures, higher is better).
# Promotion compares them against the reference (`decision`), the retraining gate champion against
# challenger (flows.retrain_check).
MAIN_FIGURES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "frames micro-F1": ("frames", ("article", "micro_f1"), True),
    "frames micro-F1 (English)": ("frames", ("article", "by_language", "en", "micro_f1"), True),
    "frame share MAE": ("frames", ("prevalence", "mae"), False),
    "slant macro-F1": ("slant", ("article", "macro_f1"), True),
    "outlet Spearman": ("slant", ("outlet", "spearman"), True),
    "same-event pair order": ("slant", ("events", "accuracy"), True),
}


def decision(figures: Mapping[str, Any], model: str, reference: str) -> dict[str, Any]:
    """Where `model` stands against the plain `reference` on the protocol's main figures (same folds, same
    run): each figure with both values and whether the model is better, and `beats_reference` (all are).
    The card keeps it under "decision"; classifier.promotion.earned reads it."""
    out: dict[str, Any] = {}
    for label, (section, path, higher) in MAIN_FIGURES.items():
        mine = get_path(figures.get(section, {}).get(model, {}), *path)
        ref = get_path(figures.get(section, {}).get(reference, {}), *path)
        if mine is None or ref is None:
            continue
        out[label] = {"model": mine, "reference": ref, "better": (mine > ref) if higher else (mine < ref)}
    out["beats_reference"] = bool(out) and all(v["better"] for v in out.values() if isinstance(v, dict))
    return out
