"""Finer outlet leans for the outlet-level check: AllSides' five-point rating (-2 left .. +2 right) by
outlet name, else Media Bias/Fact Check's rating by domain rescaled to the same range (its -3..+3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from classifier.folds import slant_groups


def outlet_ratings(df: pd.DataFrame, ratings_file: Path | None) -> dict[str, float]:
    """outlet group (as slant_groups names it) -> rating, for the outlets of `df` the file knows."""
    if ratings_file is None or not Path(ratings_file).exists():
        return {}
    r = pd.read_parquet(ratings_file, columns=["rating_source", "outlet", "domain", "lean_num"])
    r = r[r["lean_num"].notna()]
    by_name = (
        r[r["rating_source"] == "allsides"].dropna(subset=["outlet"]).groupby("outlet")["lean_num"].mean()
    )
    mbfc = r[r["rating_source"] == "mbfc"].dropna(subset=["domain"])
    by_domain = (mbfc.groupby("domain")["lean_num"].mean() * 2 / 3).to_dict()
    names = by_name.to_dict()
    out: dict[str, float] = {}
    groups = slant_groups(df)
    outlets = df["outlet"].fillna("").astype(str).to_numpy()
    for group, name in zip(groups, outlets, strict=True):
        if group in out:
            continue
        if name in names:
            out[group] = float(names[name])
        elif group in by_domain:
            out[group] = float(by_domain[group])
        elif group.removeprefix("www.") in by_domain:
            out[group] = float(by_domain[group.removeprefix("www.")])
    return out
