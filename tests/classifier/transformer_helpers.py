"""Helpers for the transformer tests: a tiny random BERT with the MiniLM tokenizer, and a synthetic
shared-schema corpus (made-up sentences, nothing from the shared data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from classifier.transformer.config import TransformerConfig
from classifier.transformer.encoder import default_base_model

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")

THEMES = {
    "Crime and punishment": "police arrested the suspect after the robbery and prosecutors filed "
    "murder charges in court",
    "Economic": "the budget deficit grew as taxes rose and the cost of jobs and wages hit the economy",
    "Health and safety": "doctors warned the hospital about the virus outbreak and patients needed vaccines",
}
SLANT_WORDS = {
    "left": "activists demanded climate justice and workers rights for immigrant families and equality",
    "center": "officials reported the figures and analysts said the committee would review the data",
    "right": "taxpayers demanded border security and lower taxes while defending the constitution "
    "and liberty",
}
FILLER = "the city council met on tuesday and residents gathered outside the building to talk"


def tiny_base_model(path: Path, layers: int = 1) -> Path:
    """A ``layers``-layer, 32-dim BERT with random weights and the real all-MiniLM-L6-v2 tokenizer."""
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    import torch

    torch.manual_seed(0)
    BertModel(config).save_pretrained(str(path))
    src = default_base_model()
    for name in TOKENIZER_FILES:
        if (src / name).exists():
            shutil.copy(src / name, path / name)
    return path


def _article(rng: np.random.Generator, theme_words: list[str], n_sent: int = 6) -> str:
    sents = []
    for _ in range(n_sent):
        words = list(rng.choice(theme_words, size=8)) + list(rng.choice(FILLER.split(), size=4))
        rng.shuffle(words)
        sents.append(" ".join(words).capitalize() + ".")
    return " ".join(sents)


def synthetic_frames(path: Path, n: int = 36, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    rows = []
    for i in range(n):
        frame = names[i % len(names)]
        rows.append(
            {
                "dataset": "synthetic",
                "id": f"f{i}",
                "outlet": None,
                "outlet_domain": None,
                "url": None,
                "title": f"Report {i}",
                "text": _article(rng, THEMES[frame].split()),
                "language": "en" if i % 4 else "fr",
                "labels": {"frames": [frame], "primary_frame": None, "slant": None, "tone": None},
                "split": "train",
                "extra": "{}",
            }
        )
    pd.DataFrame(rows).to_parquet(path)
    return path


def synthetic_slant(path: Path, n_outlets: int = 9, per_outlet: int = 6, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    labels = list(SLANT_WORDS)
    rows = []
    for o in range(n_outlets):
        slant = labels[o % 3]
        for k in range(per_outlet):
            rows.append(
                {
                    "dataset": "synthetic",
                    "id": f"s{o}-{k}",
                    "outlet": f"Daily Outlet {o}",
                    "outlet_domain": f"outlet{o}.example",
                    "url": None,
                    "title": f"Story {k}",
                    "text": _article(rng, SLANT_WORDS[slant].split()),
                    "language": "en",
                    "labels": {"frames": [], "primary_frame": None, "slant": slant, "tone": None},
                    "split": "train",
                    "extra": json.dumps({}),
                }
            )
    pd.DataFrame(rows).to_parquet(path)
    return path


def tiny_config(base: Path, **overrides: object) -> TransformerConfig:
    values = {
        "base_model": str(base),
        "max_length": 32,
        "max_chunks": 3,
        "slant_max_chunks": 2,
        "infer_max_chunks": 4,
        "slant_per_outlet": 5,
        "hidden": 16,
        "epochs": 15,
        "batch_size": 8,
        "lr": 1e-2,
        "min_positives": 2,
        "boilerplate_min_docs": 0,
    }
    values.update(overrides)
    return TransformerConfig(**values)  # type: ignore[arg-type]


def train_tiny(root: Path) -> tuple[Path, str, dict[str, Path]]:
    """Train a tiny transformer model on synthetic data: (models_dir, version, files)."""
    from classifier.transformer.train import train_transformer

    base = tiny_base_model(root / "base")
    files = {
        "base": base,
        "frames": synthetic_frames(root / "frames.parquet"),
        "slant": synthetic_slant(root / "slant.parquet"),
    }
    models = root / "models"
    version = train_transformer(
        [files["frames"]],
        [files["slant"]],
        models,
        tiny_config(base),
        cv_folds=2,
        cache_dir=root / "cache",
        progress=False,
        export_onnx=True,
    )
    return models, version, files
