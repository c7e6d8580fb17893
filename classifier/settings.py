"""Typed settings for the classifier package (env prefix ``FRAMEWATCH_``).

Build one :class:`ClassifierSettings` where the program starts (the CLI does); importing this module
reads nothing and creates nothing.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def _default_data_dir() -> Path:
    # Used only when FRAMEWATCH_DATA_DIR is unset (pydantic-settings reads the env var first).
    return (REPO_ROOT.parent / "shared" / "data").resolve()


def _default_models_dir() -> Path:
    return PACKAGE_DIR / "models"


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "framewatch" / "transformer"


class ClassifierSettings(BaseSettings):
    """Where labeled data and trained models live, and which base model later transformer work uses."""

    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_", extra="ignore")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder with the labeled Parquet corpora (FRAMEWATCH_DATA_DIR); "
        "defaults to <repo>/../shared/data.",
    )
    models_dir: Path = Field(
        default_factory=_default_models_dir,
        description="Folder of versioned model dirs plus the PROMOTED pointer (FRAMEWATCH_MODELS_DIR); "
        "defaults to the committed classifier/models.",
    )
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Chunk-embedding cache and training checkpoints (FRAMEWATCH_CACHE_DIR); its parent "
        "also keeps the training keys of each model (classifier.in_sample).",
    )
    base_model: str | None = Field(
        default=None,
        description="Hugging Face model id or local path for transformer classifiers "
        "(FRAMEWATCH_BASE_MODEL).",
    )

    @property
    def seeds_dir(self) -> Path:
        """The seed articles folder next to the data folder (``<data_dir>/../seeds``)."""
        return self.data_dir.parent / "seeds"

    @property
    def frames_file(self) -> Path:
        """The shared SemEval-2023 frames training file."""
        return self.data_dir / "semeval2023_frames_train.parquet"

    @property
    def ratings_file(self) -> Path:
        """The shared outlet lean ratings (AllSides / MBFC) file."""
        return self.data_dir / "outlet_ratings.parquet"

    @property
    def slant_file(self) -> Path:
        """The shared AllSides slant file."""
        return self.data_dir / "allsides_slant.parquet"
