"""Outlet lean priors joined from an outlet ratings table (outlet_ratings.parquet: AllSides 2019 and
Media Bias/Fact Check snapshots). Only the three-way lean label and the rating's source name are
taken; nothing else from the table is copied into the registry.

Matching, in order of preference:
1. AllSides by outlet name (the scale the project's slant labels use), names compared after dropping
   'the', a '.com' and news-section suffixes ('CNN (Web News)' ~ 'CNN'); editorial/opinion rows never
   match a news outlet;
2. Media Bias/Fact Check by domain, newest snapshot first (2026, 2020, 2018), skipping a snapshot that
   gives no three-way lean for the domain (e.g. rated 'questionable') or disagrees with itself.
An outlet whose lean_source starts with 'manual' is never changed."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from flows.sources.registry import LEANS, Outlet

log = logging.getLogger(__name__)

COLUMNS = ["rating_source", "rating_dataset", "outlet", "domain", "lean_3", "as_of"]
SOURCE_NAMES = {"allsides": "AllSides", "mbfc": "Media Bias/Fact Check"}
FILE_NAME = "outlet_ratings.parquet"
_SUFFIXES = re.compile(r"(\s*-\s*news|\s*\(web news\)|\s+online news|\s+news|\.com)$")


class RatingsError(ValueError):
    """A ratings file that cannot be used."""


@dataclass(frozen=True)
class LeanRating:
    lean: str
    source: str  # e.g. "AllSides 2019-10-18 (allsider@48ccaf44) via outlet_ratings.parquet"
    matched_on: str  # 'name' | 'domain'


def name_key(name: str) -> str:
    key = re.sub(r"\s+", " ", name.casefold().strip())
    key = key.removeprefix("the ")
    previous = None
    while previous != key:
        previous, key = key, _SUFFIXES.sub("", key).strip()
    return key


def domain_key(domain: str) -> str:
    host = domain.strip().lower()
    host = re.sub(r"^[a-z]+://", "", host).split("/")[0]
    return host.removeprefix("www.")


def _label(source: str, dataset: str, as_of: str) -> str:
    return f"{SOURCE_NAMES.get(source, source)} {as_of} ({dataset}) via {FILE_NAME}"


class Ratings:
    """Lookup over the ratings table; build with `Ratings.load(path)`."""

    def __init__(
        self,
        by_name: dict[str, set[tuple[str, str]]],
        by_domain: dict[str, dict[str, set[str]]],
        dataset_label: dict[str, str],
        dataset_order: list[str],
    ) -> None:
        self._by_name = by_name
        self._by_domain = by_domain
        self._label = dataset_label
        self._order = dataset_order

    @classmethod
    def load(cls, path: Path) -> Ratings:
        import pandas as pd

        path = Path(path)
        if not path.exists():
            raise RatingsError(f"no ratings file at {path}; pass --ratings PATH/{FILE_NAME}")
        try:
            frame = pd.read_parquet(path, columns=COLUMNS)
        except (KeyError, ValueError) as exc:
            raise RatingsError(f"{path}: expected columns {', '.join(COLUMNS)} ({exc})") from exc
        frame = frame[frame["lean_3"].isin(LEANS) | frame["lean_3"].isna()]
        by_name: dict[str, set[tuple[str, str]]] = {}
        by_domain: dict[str, dict[str, set[str]]] = {}
        labels: dict[str, str] = {}
        as_of: dict[str, str] = {}
        for rec in frame.itertuples(index=False):
            labels[rec.rating_dataset] = _label(rec.rating_source, rec.rating_dataset, str(rec.as_of))
            as_of[rec.rating_dataset] = str(rec.as_of)
            if rec.rating_source == "allsides" and isinstance(rec.outlet, str):
                lean = rec.lean_3 if isinstance(rec.lean_3, str) else ""  # a missing lean is NaN, not None
                by_name.setdefault(name_key(rec.outlet), set()).add((rec.rating_dataset, lean))
            elif rec.rating_source == "mbfc" and isinstance(rec.domain, str):
                per = by_domain.setdefault(domain_key(rec.domain), {})
                per.setdefault(rec.rating_dataset, set()).add(
                    rec.lean_3 if isinstance(rec.lean_3, str) else ""
                )
        mbfc = sorted({d for per in by_domain.values() for d in per}, key=lambda d: as_of[d], reverse=True)
        return cls(by_name, by_domain, labels, mbfc)

    def lean_for(self, outlet: Outlet) -> LeanRating | None:
        named = self._by_name.get(name_key(outlet.name), set())
        leans = {lean for _d, lean in named}
        if len(leans) == 1 and (lean := next(iter(leans))):
            dataset = next(iter(named))[0]
            return LeanRating(lean, self._label[dataset], "name")
        per = self._by_domain.get(domain_key(outlet.domain), {})
        for dataset in self._order:
            values = per.get(dataset)
            if values and len(values) == 1 and (lean := next(iter(values))):
                return LeanRating(lean, self._label[dataset], "domain")
        return None


@dataclass(frozen=True)
class LeanChange:
    outlet_id: str
    before: str | None
    after: str | None
    source: str | None
    status: str  # 'filled' | 'changed' | 'same' | 'unknown' | 'manual'


def join_leans(outlets: list[Outlet], ratings: Ratings) -> tuple[list[Outlet], list[LeanChange]]:
    """Outlets with lean/lean_source from the ratings where matched, and what changed for each."""
    updated, changes = [], []
    for o in outlets:
        if (o.lean_source or "").lower().startswith("manual"):
            updated.append(o)
            changes.append(LeanChange(o.outlet_id, o.lean_prior, o.lean_prior, o.lean_source, "manual"))
            continue
        rating = ratings.lean_for(o)
        if rating is None:
            updated.append(o)
            changes.append(LeanChange(o.outlet_id, o.lean_prior, o.lean_prior, o.lean_source, "unknown"))
            continue
        if o.lean_prior is None:
            status = "filled"
        elif o.lean_prior == rating.lean and o.lean_source == rating.source:
            status = "same"
        else:
            status = "changed"
        updated.append(o.with_lean(rating.lean, rating.source))
        changes.append(LeanChange(o.outlet_id, o.lean_prior, rating.lean, rating.source, status))
    return updated, changes
