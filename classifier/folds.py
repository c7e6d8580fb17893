"""Cross-validation folds shared by every model and by the plain reference, so each figure is measured
on the same split: frames stratified by language (and grouped by outlet when the data names outlets),
slant grouped by outlet (test outlets never seen in training) and stratified by label, and the AllSides
media split's dev outlets as a fixed second check."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

Folds = list[tuple[np.ndarray, np.ndarray]]


def slant_groups(df: pd.DataFrame) -> np.ndarray:
    """The outlet of each row: its domain, else its name, else 'unknown'."""
    return df["outlet_domain"].fillna(df["outlet"]).fillna("unknown").to_numpy(dtype=str)


def frame_folds(df: pd.DataFrame, folds: int, seed: int) -> Folds:
    """StratifiedKFold by language, shuffled with ``seed``; when rows name their outlets, grouped by outlet
    too (StratifiedGroupKFold), so no outlet is on both sides of a fold. (The shared SemEval data names
    no outlets.)"""
    languages = df["language"].fillna("unknown").to_numpy()
    has_outlets = "outlet_domain" in df and (df["outlet_domain"].notna() | df["outlet"].notna()).any()
    if has_outlets:
        groups = np.where(
            df["outlet_domain"].notna() | df["outlet"].notna(), slant_groups(df), df["id"].astype(str)
        )
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(len(df)), languages, groups))
    return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(df)), languages))


def slant_folds(df: pd.DataFrame, folds: int, seed: int = 0) -> Folds:
    """Folds grouped by outlet domain (the test outlets of a fold never appear in its training part) and
    stratified by slant label, so every fold's training part has about the same left/center/right mix: with
    a few very large outlets, plain grouped folds leave one class scarce in some training parts, and the
    scores of different folds then carry different class priors (which also scrambles the order of
    articles scored by different folds)."""
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    y = df["slant"].fillna("none").to_numpy(dtype=str)
    return list(splitter.split(np.zeros(len(df)), y, groups=slant_groups(df)))


def dev_check_split(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """(train, test) rows of the fixed second check: test = the media split's dev rows (``split ==
    'dev'``), train = every row of an outlet with no dev row. None when the data has no dev split."""
    if "split" not in df or not (df["split"] == "dev").any():
        return None
    groups = slant_groups(df)
    test = np.flatnonzero((df["split"] == "dev").to_numpy())
    dev_outlets = set(groups[test])
    train = np.flatnonzero(~np.isin(groups, list(dev_outlets)))
    return train, test
