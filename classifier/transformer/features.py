"""Training features: chunk embeddings encoded once with the frozen encoder,
cached on disk.

The cache is a safetensors file per (base model, texts, chunking, preprocessing) key, so cross-validation,
the final fit and a resumed run reuse the same chunk embeddings instead of re-encoding.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

import numpy as np
import pandas as pd

from classifier.transformer.encoder import Embedded, Encoder, embed
from classifier.transformer.shards import ShardOptions, cached_shards

if TYPE_CHECKING:  # datasets is imported with the windows, not with this module
    from datasets import Dataset

logger = logging.getLogger(__name__)


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
    windows: Dataset,
    encoder: Encoder,
    *,
    max_tokens: int = 8192,
    **shards: Unpack[ShardOptions],
) -> Embedded:
    """Chunk embeddings for every window of ``windows`` (a dataset from
    :func:`classifier.transformer.dataset.tokenize_windows`), computed in shards of ``shard_size`` articles
    (``shards``: :class:`~classifier.transformer.shards.ShardOptions`).

    With ``cache_dir``, each finished shard is saved as ``<key>-<shard>.safetensors`` and read back on the
    next call, so an interrupted encoding resumes where it stopped.
    """
    from classifier.transformer.dataset import chunked_docs

    def compute(start: int, stop: int) -> dict[str, np.ndarray]:
        emb = embed(encoder, chunked_docs(windows, start, stop), max_tokens=max_tokens)["frames"]
        return {"chunks": emb.chunks.astype(np.float32), "doc_index": emb.doc_index}

    data = cached_shards(len(windows), compute, **shards)
    if data is None:
        return Embedded(chunks=np.zeros((0, 0), dtype=np.float32), doc_index=np.zeros(0, dtype=np.int64))
    return Embedded(chunks=data["chunks"], doc_index=data["doc_index"])
