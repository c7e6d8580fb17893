"""A saved model on a labeled file it never saw (`framewatch evaluate --data FILE`): the same figures as the
cross-validation protocol (articles, outlets, events, frame shares), beside the plain reference trained
in the same run on the shared corpora (outlets of the file left out of its slant training)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifier.data import DataError, frame_rows, load_labeled, slant_rows, texts_of
from classifier.evaluate import probabilities
from classifier.folds import slant_groups
from classifier.protocol import Outputs, decide, report
from classifier.reference import NAME as REFERENCE
from classifier.reference import PlainFrames, PlainSlant
from classifier.scoring import Scorer

logger = logging.getLogger(__name__)


def check_labeled(df: pd.DataFrame, source: str) -> None:
    """Every row needs frame labels or a slant label: name the ones that have neither."""
    bare = df[(df["frames"].map(len) == 0) & df["slant"].isna()]["id"].tolist()
    if bare:
        shown = ", ".join(repr(i) for i in bare[:5]) + (f" and {len(bare) - 5} more" if len(bare) > 5 else "")
        raise DataError(
            f"{source}: {len(bare)} row(s) without any label: {shown}; every row needs frames or a slant "
            "(drop the unlabeled rows, or label them)"
        )


def model_outputs(
    scorer: Scorer, df: pd.DataFrame, names: Sequence[str], labels: Sequence[str], batch_size: int = 64
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(frame probs, frame decisions, slant probs) of a saved model for every row of `df`, in `names` /
    `labels` order."""
    texts = texts_of(df)
    f_parts, d_parts, s_parts = [], [], []
    for start in range(0, len(texts), batch_size):
        fp, thr, sp, f_names, s_labels = probabilities(scorer, texts[start : start + batch_size])
        f_idx = [list(f_names).index(n) if n in f_names else -1 for n in names]
        s_idx = [list(s_labels).index(c) for c in labels]
        f_ordered = np.where(np.array(f_idx)[None, :] >= 0, fp[:, f_idx], 0.0)
        t_ordered = np.array([thr[i] if i >= 0 else 1.0 for i in f_idx])
        f_parts.append(f_ordered)
        d_parts.append(decide(f_ordered, t_ordered))
        s_parts.append(sp[:, s_idx])
    empty = np.zeros((0, len(names)))
    return (
        np.concatenate(f_parts) if f_parts else empty,
        np.concatenate(d_parts) if d_parts else empty.astype(np.int8),
        np.concatenate(s_parts) if s_parts else np.zeros((0, len(labels))),
    )


def reference_outputs(
    df: pd.DataFrame,
    frame_files: Sequence[Path],
    slant_files: Sequence[Path],
    names: Sequence[str],
    labels: Sequence[str],
    step: Callable[[str], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The plain reference trained on the shared corpora (rows of `df` left out by id, and `df`'s outlets
    left out of slant training), scored on `df`."""
    texts = texts_of(df)
    ids = set(df["id"])
    frames = frame_rows(load_labeled(list(frame_files)))
    frames = frames[~frames["id"].isin(ids)]
    slant = slant_rows(load_labeled(list(slant_files)))
    held = set(slant_groups(df)) if len(df) else set()
    slant = slant[~slant["id"].isin(ids) & ~np.isin(slant_groups(slant), list(held))]
    f_model = PlainFrames(list(names)).fit(texts_of(frames), frames["frames"].tolist())
    if step:
        step(f"{REFERENCE}: frames")
    s_model = PlainSlant(tuple(labels)).fit(texts_of(slant), slant["slant"].tolist())
    if step:
        step(f"{REFERENCE}: slant")
    fp = f_model.predict_proba(texts)
    return fp, decide(fp, f_model.thresholds_), s_model.predict_proba(texts)


def evaluate_heldout(
    model: tuple[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    reference: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    df: pd.DataFrame,
    names: Sequence[str],
    labels: Sequence[str],
    group_by: str | None = None,
    ratings: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Figures of the model's (and the reference's) outputs on `df`: frames on its frame-labeled rows,
    slant on its slant-labeled rows, same-event order within `group_by` groups."""
    frame_mask = (df["frames"].map(len) > 0).to_numpy()
    slant_mask = df["slant"].notna().to_numpy()
    outputs: dict[str, Outputs] = {}
    for name, (fp, fd, sp) in [model, *([(REFERENCE, reference)] if reference is not None else [])]:
        outputs[name] = Outputs(
            frame_probs=fp[frame_mask] if frame_mask.any() else None,
            frame_decided=fd[frame_mask] if frame_mask.any() else None,
            slant_probs=sp[slant_mask] if slant_mask.any() else None,
        )
    frames_df = df[frame_mask].reset_index(drop=True) if frame_mask.any() else None
    slant_df = df[slant_mask].reset_index(drop=True) if slant_mask.any() else None
    events = slant_df[group_by].tolist() if group_by and slant_df is not None else None
    protocol = {
        "data": f"{len(df)} rows: {int(frame_mask.sum())} with frame labels, "
        f"{int(slant_mask.sum())} with slant",
        "reference": f"{REFERENCE} trained on the shared corpora in this run, the file's rows and outlets "
        "left out",
    }
    if group_by:
        protocol["events"] = f"same-event pairs within groups of column {group_by!r}"
    return report(frames_df, slant_df, outputs, names, labels, events, ratings, protocol)


def predictions_table(
    ids: Sequence[str],
    frame_probs: np.ndarray,
    slant_probs: np.ndarray,
    names: Sequence[str],
    labels: Sequence[str],
) -> pd.DataFrame:
    """One row per id with float columns frame:<frame name> and slant:<class> (--predictions-out)."""
    cols: dict[str, Any] = {"id": list(ids)}
    cols.update({f"frame:{n}": frame_probs[:, j].astype(float) for j, n in enumerate(names)})
    cols.update({f"slant:{c}": slant_probs[:, k].astype(float) for k, c in enumerate(labels)})
    return pd.DataFrame(cols)
