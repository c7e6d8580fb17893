"""Training inputs for the transformer: labeled frames, an outlet-capped slant sample, as Hugging Face
datasets (typed labels, token windows), encoded once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from datasets import Dataset

from classifier.cues import outlet_names
from classifier.data import load_labeled, texts_of
from classifier.transformer.chunking import load_tokenizer
from classifier.transformer.config import TransformerConfig
from classifier.transformer.dataset import article_dataset, frame_targets, slant_targets, tokenize_windows
from classifier.transformer.encoder import Embedded, Encoder, TorchEncoder, default_base_model, pad_docs
from classifier.transformer.features import (
    cache_key,
    encode_windows,
    model_fingerprint,
    sample_per_outlet,
)
from classifier.transformer.finetune import device_of, frozen_embeddings, use_bf16
from classifier.transformer.preprocessing import Preprocessing, build_preprocessing
from classifier.transformer.states import ChunkStates, encode_states
from classifier.transformer.towers import SplitEncoder, load_split_encoder

logger = logging.getLogger(__name__)


def base_model_dir(config: TransformerConfig) -> Path:
    path = Path(config.base_model) if config.base_model else default_base_model()
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path}: base model dir not found; pass a local Hugging Face model directory"
        )
    return path


@dataclass
class Encoded:
    """One task's articles with their (frozen) chunk embeddings and, when fine-tuning, the cached
    bottom-layer token states of their chunks."""

    df: pd.DataFrame
    ds: Dataset  # the same articles with ClassLabel targets and their token windows
    emb: Embedded
    states: ChunkStates | None = None
    split: SplitEncoder | None = None  # the encoder the states come from (shared by both tasks)

    def frame_targets(self, names: Sequence[str]) -> np.ndarray:
        return frame_targets(self.ds, names)

    def slant_targets(self, labels: Sequence[str]) -> np.ndarray:
        return slant_targets(self.ds, labels)

    def padded(self) -> tuple[np.ndarray, np.ndarray]:
        """(n_docs, max_chunks, dim) embeddings and a (n_docs, max_chunks) mask."""
        return pad_docs(self.emb, len(self.df))


@dataclass
class TrainingInputs:
    frames: Encoded
    slant: Encoded
    prep: Preprocessing
    base_model: Path
    split: SplitEncoder | None = None


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
    fp = model_fingerprint(base)
    out = {}
    tasks = []
    for task, df, chunks in (
        ("frames", frames_df, config.max_chunks),
        ("slant", slant_df, config.slant_max_chunks),
    ):
        key = cache_key("windows", task, fp, list(df["id"]), config.max_length, chunks, prep.fingerprint())
        windows = tokenize_windows(
            article_dataset(df),
            tokenizer,
            max_length=config.max_length,
            max_chunks=chunks,
            prep=prep,
            cache_dir=cache_dir / "windows" if cache_dir else None,
            key=f"{task}-{key}",
            progress=progress,
        )
        tasks.append((task, df, chunks, windows))
    if config.finetune_layers > 0 and encoder is None:
        split = load_split_encoder(base, config.finetune_layers, finetuned_tasks(config))
        device = device_of(config)
        split.to(device)
        if threads:
            import torch

            torch.set_num_threads(threads)
        for task, df, chunks, windows in tasks:
            key = cache_key(
                "states",
                task,
                fp,
                config.finetune_layers,
                list(df["id"]),
                config.max_length,
                chunks,
                prep.fingerprint(),
                use_bf16(config),
            )
            states = encode_states(
                windows,
                split,
                max_tokens=config.encode_max_tokens,
                bf16=use_bf16(config),
                device=device,
                cache_dir=cache_dir / "states" if cache_dir else None,
                key=f"{task}-{key}",
                description=f"encoding {task} (frozen layers)",
                progress=progress,
            )
            out[task] = Encoded(
                df=df, emb=frozen_embeddings(split, states, config), states=states, split=split, ds=windows
            )
        return TrainingInputs(
            frames=out["frames"], slant=out["slant"], prep=prep, base_model=base, split=split
        )
    enc = encoder or TorchEncoder(base, threads=threads)
    for task, df, chunks, windows in tasks:
        key = cache_key(task, fp, list(df["id"]), config.max_length, chunks, prep.fingerprint())
        emb = encode_windows(
            windows,
            enc,
            max_tokens=config.encode_max_tokens,
            cache_dir=cache_dir / "embeddings" if cache_dir else None,
            key=f"{task}-{key}",
            description=f"encoding {task}",
            progress=progress,
        )
        out[task] = Encoded(df=df, emb=emb, ds=windows)
    return TrainingInputs(frames=out["frames"], slant=out["slant"], prep=prep, base_model=base)


def finetuned_tasks(config: TransformerConfig) -> tuple[str, ...]:
    return ("frames", "slant") if config.finetune_slant else ("frames",)
