"""Runtime settings for the transformer classifier (env prefix ``FRAMEWATCH_``); importing reads nothing."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache() -> Path:
    return Path.home() / ".cache" / "framewatch" / "transformer"


class TransformerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_", extra="ignore")

    cache_dir: Path = Field(
        default_factory=_default_cache,
        description="Chunk-embedding cache and training checkpoints (FRAMEWATCH_CACHE_DIR).",
    )
    threads: int = Field(2, description="CPU threads for PyTorch and ONNX Runtime (FRAMEWATCH_THREADS).")
    device: str | None = Field(None, description="Torch device; default cuda when available, else cpu.")
    backend: str = Field(
        "auto",
        description="Scoring backend for transformer models (FRAMEWATCH_BACKEND): auto (int8 ONNX when "
        "present, then fp32 ONNX, then torch), onnx-int8, onnx, torch.",
    )
