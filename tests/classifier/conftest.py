"""Fixtures for classifier tests: the shared data (skipped cleanly when absent) and a small real model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from classifier.checks import ROUNDUPS_FILE, ProtocolSettings
from classifier.frames import CalibratedFrames
from classifier.recipes import Recipe
from classifier.settings import ClassifierSettings
from classifier.slant import CueStrippedSlant
from tests.once import built_once

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SMALL_FRAME_ROWS = 120
SMALL_SLANT_ROWS = 600


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


# The protocol on small samples: 2 folds, big outlets from 30 articles (of 600) in 2 groups, fewer resamples.
SMALL_PROTOCOL = ProtocolSettings(folds=2, big_outlet_min_articles=30, big_outlet_groups=2, resamples=200)


def small_template() -> Recipe:
    """The product recipe scaled down for a few hundred training rows."""
    return Recipe(
        "model",
        CalibratedFrames(inner_folds=3),
        CueStrippedSlant(min_outlets=2, max_outlet_share=1.0, max_df=1.0, cap=50.0, boilerplate_min_docs=0),
    )


@pytest.fixture(scope="session")
def small_model_dir(
    shared_files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """A small real model trained through the protocol (2 folds, big outlets, the roundups) on a subsample
    of the shared data: (models_dir, version)."""
    import pandas as pd

    from classifier.train import train_model

    frames, slant = shared_files

    def train(folder: Path) -> str:
        roundups = pd.read_parquet(frames.parent / ROUNDUPS_FILE)  # 60 of the 505 stories: a small check
        stories = roundups["extra"].str.extract(r'"story_id": (\d+)')[0]
        small_roundups = folder / "roundups-60-stories.parquet"
        roundups[stories.isin(stories.unique()[:60])].to_parquet(small_roundups)
        return train_model(
            [frames],
            [slant],
            folder / "models",
            cv_folds=2,
            max_slant_rows=SMALL_SLANT_ROWS,
            progress=False,
            max_frame_rows=SMALL_FRAME_ROWS,
            template=small_template(),
            roundups_file=small_roundups,
            settings=SMALL_PROTOCOL,
        )

    folder, version = built_once(tmp_path_factory, "small-model", train)  # one training per run (xdist)
    return folder / "models", version


@pytest.fixture(scope="session")
def tiny_transformer_trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, Path]]:
    """The tiny transformer (transformer_helpers.train_tiny), trained once per session."""
    from tests.classifier.transformer_helpers import train_tiny

    return train_tiny(tmp_path_factory.mktemp("tiny-transformer"))


@pytest.fixture(scope="module")
def tiny_transformer(
    tiny_transformer_trained: tuple[Path, str, dict[str, Path]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, dict[str, Path]]:
    """(models_dir, version, files): the session's tiny transformer in a models dir of the module's own
    (a test may promote it or write beside it); files: its base model and synthetic training data."""
    models, version, files = tiny_transformer_trained
    own = tmp_path_factory.mktemp("tiny-models") / "models"
    shutil.copytree(models, own)
    return own, version, files
