"""Fixtures for classifier tests: the shared data (skipped cleanly when absent) and a small real model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from classifier.baseline import BaselineModel, FrameClassifier, SlantClassifier
from classifier.settings import ClassifierSettings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SMALL_FRAME_ROWS = 240
SMALL_SLANT_ROWS = 900


@pytest.fixture(scope="session")
def settings() -> ClassifierSettings:
    return ClassifierSettings()


@pytest.fixture(scope="session")
def shared_files(settings: ClassifierSettings) -> tuple[Path, Path]:
    frames, slant = settings.frames_file, settings.slant_file
    if not (frames.exists() and slant.exists()):
        pytest.skip(
            f"shared labeled data not found in {settings.data_dir} "
            "(set FRAMEWATCH_DATA_DIR to the folder with semeval2023_frames_train.parquet and "
            "allsides_slant.parquet)"
        )
    return frames, slant


@pytest.fixture(scope="session")
def seed_docs(settings: ClassifierSettings) -> list[tuple[str, str]]:
    """(name, text) of the seed articles in <data_dir>/../seeds."""
    files = sorted(p for p in settings.seeds_dir.glob("*.txt")) if settings.seeds_dir.is_dir() else []
    if not files:
        pytest.skip(f"no seed articles in {settings.seeds_dir}")
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def small_template() -> BaselineModel:
    """Hyperparameters scaled down for a few hundred training rows."""
    return BaselineModel(
        frames=FrameClassifier(max_features=8_000, threshold_folds=3),
        slant=SlantClassifier(pool_features=15_000, max_features=8_000, min_outlets=5, max_outlet_share=0.3),
    )


@pytest.fixture(scope="session")
def small_model_dir(
    shared_files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """A small real model trained (2-fold CV) on a subsample of the shared data: (models_dir, version)."""
    from classifier.train import train_baseline

    frames, slant = shared_files
    out = tmp_path_factory.mktemp("models")
    version = train_baseline(
        [frames],
        [slant],
        out,
        cv_folds=2,
        max_slant_rows=SMALL_SLANT_ROWS,
        progress=False,
        max_frame_rows=SMALL_FRAME_ROWS,
        model=small_template(),
    )
    return out, version
