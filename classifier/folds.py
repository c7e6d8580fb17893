"""Cross-validation folds shared by every model and by the plain reference, so each figure is measured
on the same split: frames stratified by language, slant grouped by outlet (test outlets never seen in
training)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, StratifiedKFold


def slant_groups(df: pd.DataFrame) -> np.ndarray:
    return df["outlet_domain"].fillna(df["outlet"]).fillna("unknown").to_numpy(dtype=str)


def frame_folds(df: pd.DataFrame, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The baseline's frame folds: StratifiedKFold by language, shuffled with ``seed``."""
    languages = df["language"].fillna("unknown").to_numpy()
    return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(df)), languages))


def slant_folds(df: pd.DataFrame, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """GroupKFold by outlet domain: the test outlets of a fold never appear in its training part."""
    return list(GroupKFold(n_splits=folds).split(np.zeros(len(df)), groups=slant_groups(df)))
