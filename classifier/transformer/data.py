"""Training inputs for the transformer: labeled frames, an outlet-capped slant sample, encoded once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from classifier.data import load_labeled, texts_of
from classifier.transformer.chunking import load_tokenizer
from classifier.transformer.config import TransformerConfig
from classifier.transformer.encoder import Embedded, Encoder, TorchEncoder, default_base_model
from classifier.transformer.features import (
    Preprocessing,
    build_preprocessing,
    cache_key,
    encode_texts,
    model_fingerprint,
    outlet_names,
    sample_per_outlet,
)

logger = logging.getLogger(__name__)


def base_model_dir(config: TransformerConfig) -> Path:
    path = Path(config.base_model) if config.base_model else default_base_model()
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: base model dir not found; pass a local Hugging Face model directory")
    return path


@dataclass
class Encoded:
    """One task's articles with their chunk embeddings."""

    df: pd.DataFrame
    emb: Embedded

    def padded(self) -> tuple[np.ndarray, np.ndarray]:
        """(n_docs, max_chunks, dim) embeddings and a (n_docs, max_chunks) mask."""
        return pad_docs(self.emb, len(self.df))


def pad_docs(emb: Embedded, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(emb.doc_index, minlength=n_docs)
    width = max(1, int(counts.max()) if len(counts) else 1)
    dim = emb.chunks.shape[1]
    x = np.zeros((n_docs, width, dim), dtype=np.float32)
    mask = np.zeros((n_docs, width), dtype=bool)
    pos = np.zeros(n_docs, dtype=np.int64)
    for row, d in enumerate(emb.doc_index):
        x[d, pos[d]] = emb.chunks[row]
        mask[d, pos[d]] = True
        pos[d] += 1
    return x, mask


@dataclass
class TrainingInputs:
    frames: Encoded
    slant: Encoded
    prep: Preprocessing
    base_model: Path


def load_inputs(
    frame_files: Sequence[Path],
    slant_files: Sequence[Path],
    config: TransformerConfig,
    cache_dir: Path | None,
    ratings_file: Path | None = None,
    encoder: Encoder | None = None,
    progress: bool = True,
    threads: int | None = None,
) -> TrainingInputs:
    """Load, sample, preprocess and encode both tasks' training data (cached)."""
    from classifier.data import frame_rows, slant_rows

    frames_df = frame_rows(load_labeled(list(frame_files)))
    slant_all = slant_rows(load_labeled(list(slant_files)))
    slant_df = sample_per_outlet(slant_all, config.slant_per_outlet, config.seed)
    base = base_model_dir(config)
    names = outlet_names(slant_all, ratings_file)
    prep = build_preprocessing(
        texts_of(frames_df) + texts_of(slant_all), names, config.mask_outlets, config.boilerplate_min_docs
    )
    tokenizer = load_tokenizer(base)
    enc = encoder or TorchEncoder(base, threads=threads)
    fp = model_fingerprint(base)
    out = {}
    for task, df, chunks in (("frames", frames_df, config.max_chunks), ("slant", slant_df, config.slant_max_chunks)):
        key = cache_key(task, fp, list(df["id"]), config.max_length, chunks, prep.fingerprint())
        emb = encode_texts(
            texts_of(df), tokenizer, enc, max_length=config.max_length, max_chunks=chunks, prep=prep,
            max_tokens=config.encode_max_tokens, cache_dir=cache_dir / "embeddings" if cache_dir else None,
            key=f"{task}-{key}", description=f"encoding {task}", progress=progress,
        )
        out[task] = Encoded(df=df, emb=emb)
    return TrainingInputs(frames=out["frames"], slant=out["slant"], prep=prep, base_model=base)
