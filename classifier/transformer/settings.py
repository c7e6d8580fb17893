"""Runtime settings for the transformer classifier (env prefix ``FRAMEWATCH_``); importing reads nothing."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from classifier.settings import default_cache_dir


class TransformerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_", extra="ignore")

    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Chunk-embedding cache and training checkpoints (FRAMEWATCH_CACHE_DIR).",
    )
    threads: int = Field(2, description="CPU threads for PyTorch and ONNX Runtime (FRAMEWATCH_THREADS).")
    device: str | None = Field(None, description="Torch device; default cuda when available, else cpu.")
    max_tokens: int = Field(
        2048,
        ge=64,
        description="Token budget per encoder batch when scoring (FRAMEWATCH_MAX_TOKENS): 8 windows of 256. "
        "On CPU small length-sorted batches keep attention in cache: bench/bench_classifier.py measured "
        "2048 ~10-15% faster than 8192 for bf16 and fp32 alike; raise it on a GPU.",
    )
    backend: str = Field(
        "auto",
        description="Scoring backend for transformer models (FRAMEWATCH_BACKEND): auto (int8 ONNX when "
        "present, then fp32 ONNX, then torch), onnx-int8, onnx, torch.",
    )
