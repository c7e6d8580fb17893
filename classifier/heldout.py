"""A saved model on a labeled file (`framewatch evaluate --data FILE`), scored exactly as production scores
it (the one loader, classifier.versions.load, and the scorer's own probabilities, languages included):
the protocol's figures with intervals (classifier.table) and the detailed ones, beside the plain reference
trained in the same run on the shared corpora (outlets of the file left out of its slant training)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifier.checks import ProtocolSettings
from classifier.data import DataError, frame_rows, load_labeled, slant_rows, texts_of
from classifier.figures import frames_figures, slant_figures
from classifier.folds import slant_groups
from classifier.measures import CheckFigures
from classifier.protocol import CheckOutput
from classifier.reference import NAME as REFERENCE
from classifier.reference import plain_frames, plain_slant
from classifier.scoring import Doc, Scorer
from classifier.table import CANDIDATE, REFERENCE_ROLE, Table, render
from classifier.thresholds import decide_frames

FILE = "file"

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


Columns = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # name -> (frame probs, decided, slant probs)


def docs_of(df: pd.DataFrame) -> list[Doc]:
    """The rows as the score flow sees articles: title, text and language (which calibrates frames)."""
    return [
        Doc(title=t or "", text=x or "", language=lang)
        for t, x, lang in zip(df["title"], df["text"], df["language"], strict=True)
    ]


def model_outputs(
    scorer: Scorer, df: pd.DataFrame, names: Sequence[str], labels: Sequence[str], batch_size: int = 64
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(frame probs, frame decisions, slant probs) of a saved model for every row of `df`, in `names` /
    `labels` order: the probabilities its `score` stores (the same scorer, the same languages)."""
    probs = scorer.probabilities(docs_of(df), batch_size).in_order(names, labels)
    return probs.frames, probs.decided(), probs.slant


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
    f_model = plain_frames(names).fit(texts_of(frames), frames["frames"].tolist())
    if step:
        step(f"{REFERENCE}: frames")
    s_model = plain_slant(labels).fit(texts_of(slant), slant["slant"].tolist())
    if step:
        step(f"{REFERENCE}: slant")
    fp = f_model.predict_proba(texts)
    return fp, decide_frames(fp, f_model.thresholds_), s_model.predict_proba(texts)


def evaluate_heldout(
    columns: Columns,
    df: pd.DataFrame,
    names: Sequence[str],
    labels: Sequence[str],
    group_by: str | None = None,
    ratings: Mapping[str, float] | None = None,
    seen: Mapping[str, bool] | None = None,
    settings: ProtocolSettings | None = None,
) -> dict[str, Any]:
    """Figures of each column's outputs on `df` (the first column is the candidate; the reference, when
    there, its reference): the table with intervals (outlets, `group_by` groups or articles resampled) and
    the detailed figures: frames on the frame-labeled rows, slant on the slant-labeled rows, same-event
    order within `group_by` groups. `seen`: column -> it trained on these rows."""
    settings = settings or ProtocolSettings()
    frame_mask = (df["frames"].map(len) > 0).to_numpy()
    slant_mask = df["slant"].notna().to_numpy()
    frames_df = df[frame_mask].reset_index(drop=True)
    slant_df = df[slant_mask].reset_index(drop=True)
    events = slant_df[group_by].tolist() if group_by else None
    names_ = list(columns)
    roles = {CANDIDATE: names_[0]} | ({REFERENCE_ROLE: REFERENCE} if REFERENCE in columns else {})
    figs = CheckFigures(
        FILE,
        roles,
        {c: {FILE: bool((seen or {}).get(c))} for c in columns},
        settings.resamples,
        settings.seed,
        settings.level,
    )
    rows = []
    result: dict[str, Any] = {"candidates": names_, "frames": {}, "slant": {}}
    if frame_mask.any():
        outs = {c: CheckOutput(fp[frame_mask], fd[frame_mask]) for c, (fp, fd, _sp) in columns.items()}
        rows += figs.frames(frames_df, outs, names)
        for c, (fp, fd, _sp) in columns.items():
            result["frames"][c] = frames_figures(frames_df, fp[frame_mask], fd[frame_mask], names)
    if slant_mask.any():
        probs = {c: sp[slant_mask] for c, (_fp, _fd, sp) in columns.items()}
        rows += figs.slant(slant_df, probs, labels)
        if events is not None:
            rows.append(
                figs.pair_order(
                    "same-event pair order", group_by or "groups", slant_df, probs, labels, events
                )
            )
        for c, p in probs.items():
            result["slant"][c] = slant_figures(slant_df, p, labels, events, ratings)
    protocol = {
        "data": f"{len(df)} rows: {int(frame_mask.sum())} with frame labels, "
        f"{int(slant_mask.sum())} with slant",
    }
    if REFERENCE in columns:
        protocol["reference"] = (
            f"{REFERENCE} trained on the shared corpora in this run, the file's rows and outlets left out"
        )
    if group_by:
        protocol["events"] = f"same-event pairs within groups of column {group_by!r}"
    table = Table(roles, names_, rows, protocol, [], settings.level, settings.resamples)
    result.update(protocol=protocol, table=table.to_json(), summary=render(table))
    return result


def predictions_table(
    ids: Sequence[str],
    frame_probs: np.ndarray | None,
    slant_probs: np.ndarray | None,
    names: Sequence[str],
    labels: Sequence[str],
) -> pd.DataFrame:
    """One row per id with float columns frame:<frame name> and slant:<class> (--predictions-out; a task
    without probabilities: NaN)."""
    n = len(ids)
    frames = np.full((n, len(names)), np.nan) if frame_probs is None else frame_probs
    slant = np.full((n, len(labels)), np.nan) if slant_probs is None else slant_probs
    cols: dict[str, Any] = {"id": list(ids)}
    cols.update({f"frame:{n}": frames[:, j].astype(float) for j, n in enumerate(names)})
    cols.update({f"slant:{c}": slant[:, k].astype(float) for k, c in enumerate(labels)})
    return pd.DataFrame(cols)
