"""What preprocessing removes from texts before encoding: outlet names and domains (collapsed to one
[MASK] token, so a model cannot learn to recognise outlets by name) and boilerplate lines (dropped)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from classifier.transformer.chunking import boilerplate_hashes, outlet_pattern


@dataclass(frozen=True)
class Preprocessing:
    """What is removed from texts before encoding: outlet names (masked) and boilerplate lines (dropped)."""

    outlet_names: tuple[str, ...] = ()
    boilerplate: frozenset[str] = frozenset()

    def pattern(self) -> re.Pattern[str] | None:
        return outlet_pattern(self.outlet_names) if self.outlet_names else None

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.outlet_names):
            h.update(name.encode() + b"\0")
        for line in sorted(self.boilerplate):
            h.update(line.encode() + b"\1")
        return h.hexdigest()[:16]

    def to_json(self) -> dict[str, list[str]]:
        return {"outlet_names": sorted(self.outlet_names), "boilerplate_line_sha1": sorted(self.boilerplate)}

    @classmethod
    def from_json(cls, data: dict[str, list[str]]) -> Preprocessing:
        return cls(tuple(data.get("outlet_names", [])), frozenset(data.get("boilerplate_line_sha1", [])))


def outlet_names(slant_df: pd.DataFrame | None, ratings_file: Path | None = None) -> list[str]:
    """Outlet names and domains from the slant data plus the AllSides names in the outlet ratings file."""
    names: set[str] = set()
    if slant_df is not None:
        for col in ("outlet", "outlet_domain"):
            if col in slant_df:
                names.update(str(v) for v in slant_df[col].dropna().unique())
    if ratings_file is not None and Path(ratings_file).exists():
        ratings = pd.read_parquet(ratings_file, columns=["rating_source", "outlet", "domain"])
        allsides = ratings[ratings["rating_source"] == "allsides"]
        names.update(str(v) for v in allsides["outlet"].dropna().unique())
        names.update(str(v) for v in allsides["domain"].dropna().unique())
    variants = {v for n in names for v in _name_variants(n)}
    return sorted(v for v in variants if v)


_SUFFIX = re.compile(
    r"\s*(?:\([^)]*\)|\s-\s.*|\b(?:Editorial Board|Editorial|Online News|Opinion|Op-Ed|Blog))\s*$"
)


def _name_variants(name: str) -> set[str]:
    """'New York Times (Online News)' -> itself, 'New York Times', 'The New York Times'."""
    out = {name.strip()}
    base = name.strip()
    for _ in range(3):
        base = _SUFFIX.sub("", base).strip()
    if base:
        out.add(base)
        out.add(base[4:] if base.startswith("The ") else f"The {base}")
    return out


def build_preprocessing(
    texts: Sequence[str], names: Sequence[str], mask_outlets: bool, boilerplate_min_docs: int
) -> Preprocessing:
    hashes = boilerplate_hashes(texts, min_docs=boilerplate_min_docs) if boilerplate_min_docs > 0 else set()
    return Preprocessing(tuple(names) if mask_outlets else (), frozenset(hashes))
