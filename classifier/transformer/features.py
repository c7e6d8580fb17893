"""Training features: what preprocessing removes, and chunk embeddings encoded once with the frozen encoder,
cached on disk.

The cache is a safetensors file per (base model, texts, chunking, preprocessing) key, so cross-validation,
the final fit and a resumed run reuse the same chunk embeddings instead of re-encoding.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from classifier.transformer.chunking import boilerplate_hashes, outlet_pattern
from classifier.transformer.encoder import Embedded, Encoder, embed
from classifier.transformer.shards import cached_shards

logger = logging.getLogger(__name__)


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


def sample_per_outlet(df: pd.DataFrame, per_outlet: int, seed: int) -> pd.DataFrame:
    """At most ``per_outlet`` random rows per outlet (outlet_domain, else outlet), original order kept."""
    groups = df["outlet_domain"].fillna(df["outlet"]).fillna("unknown")
    rng = np.random.default_rng(seed)
    keep: list[int] = []
    for _, idx in groups.groupby(groups, sort=True).groups.items():
        idx = np.asarray(idx)
        keep.extend(idx if len(idx) <= per_outlet else rng.choice(idx, per_outlet, replace=False))
    return df.loc[sorted(keep)].reset_index(drop=True)


def cache_key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


def model_fingerprint(model_dir: Path) -> str:
    """Cheap identity of a base model dir: names and sizes of its weight/config files."""
    items = sorted(
        (p.name, p.stat().st_size)
        for p in Path(model_dir).iterdir()
        if p.suffix in {".safetensors", ".json", ".bin"}
    )
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:16]


def encode_windows(
    windows: object,
    encoder: Encoder,
    *,
    max_tokens: int = 8192,
    cache_dir: Path | None = None,
    key: str = "",
    shard_size: int = 128,
    description: str = "encoding",
    progress: bool = True,
) -> Embedded:
    """Chunk embeddings for every window of ``windows`` (a dataset from
    :func:`classifier.transformer.dataset.tokenize_windows`), computed in shards of ``shard_size`` articles.

    With ``cache_dir``, each finished shard is saved as ``<key>-<shard>.safetensors`` and read back on the
    next call, so an interrupted encoding resumes where it stopped.
    """
    from classifier.transformer.dataset import chunked_docs

    def compute(start: int, stop: int) -> dict[str, np.ndarray]:
        emb = embed(encoder, chunked_docs(windows, start, stop), max_tokens=max_tokens)["frames"]
        return {"chunks": emb.chunks.astype(np.float32), "doc_index": emb.doc_index}

    data = cached_shards(
        len(windows),
        compute,
        cache_dir=cache_dir,
        key=key,
        shard_size=shard_size,
        description=description,
        progress=progress,
    )
    if data is None:
        return Embedded(chunks=np.zeros((0, 0), dtype=np.float32), doc_index=np.zeros(0, dtype=np.int64))
    return Embedded(chunks=data["chunks"], doc_index=data["doc_index"])
