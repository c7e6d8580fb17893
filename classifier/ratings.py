"""Finer outlet leans for the outlet-level check: AllSides' five-point rating (-2 left .. +2 right) by
outlet name, else Media Bias/Fact Check's rating by domain rescaled to the same range (its -3..+3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from classifier.levels import outlet_groups


def outlet_ratings(df: pd.DataFrame, ratings_file: Path | None) -> dict[str, float]:
    """outlet (as classifier.levels.outlet_groups names it: the outlet name, else its domain) -> rating,
    for the outlets of `df` the file knows (by AllSides name, else by the row's domain)."""
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
    groups = outlet_groups(df)
    outlets = df["outlet"].fillna("").astype(str).to_numpy() if "outlet" in df else [""] * len(df)
    domains = df["outlet_domain"].fillna("").astype(str).to_numpy()
    for group, name, domain in zip(groups, outlets, domains, strict=True):
        if group in out:
            continue
        if name in names:
            out[group] = float(names[name])
        elif domain.removeprefix("www.") in by_domain:
            out[group] = float(by_domain[domain.removeprefix("www.")])
    return out
