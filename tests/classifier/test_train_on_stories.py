"""A recipe that trains on the same-story roundups gets them in its fit on all rows also when the protocol
is skipped (`--cv-folds 0`), its card says so only when they were there to train on, and the exact training
rows are kept beside the model (training_keys.json), so the roundups it saw count as in-sample."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd

from classifier import protocol
from classifier.in_sample import KEYS_FILE, TrainingKeys, check_rows
from classifier.registry import read_card
from classifier.train import train_model
from tests.classifier.conftest import small_template


def test_roundups_join_the_slant_fit_without_the_protocol(shared_files, monkeypatch, tmp_path):
    frames, slant = shared_files
    roundups = pd.read_parquet(frames.parent / "allsides_roundups.parquet").head(30)
    small = tmp_path / "roundups-30.parquet"
    roundups.to_parquet(small)
    fitted_on: list[set[str]] = []
    fit = protocol.fit_slant

    def recording(template, df):  # noqa: ANN001, ANN202
        fitted_on.append(set(df["dataset"].dropna()))
        return fit(template, df)

    monkeypatch.setattr(protocol, "fit_slant", recording)
    recipe = replace(small_template(), trains_on_stories=True)

    def train(folder: Path, roundups_file: Path) -> str:
        return train_model(
            [frames],
            [slant],
            folder,
            cv_folds=0,
            max_slant_rows=300,
            max_frame_rows=60,
            progress=False,
            template=recipe,
            roundups_file=roundups_file,
        )

    with_stories = train(tmp_path / "a", small)
    without = train(tmp_path / "b", tmp_path / "none.parquet")

    def datasets(folder: Path, version: str) -> list[str]:
        return read_card(version, folder)["data"]["slant"]["datasets"]

    def slant_keys(folder: Path, version: str) -> set[str]:
        keys = TrainingKeys.from_json(json.loads((folder / version / KEYS_FILE).read_text("utf-8")))
        assert keys.exact["slant"]
        return keys.ids["slant"]

    assert "allsides_roundups" in fitted_on[0] and "allsides_roundups" not in fitted_on[1]
    assert "allsides_roundups" in datasets(tmp_path / "a", with_stories)
    assert "allsides_roundups" not in datasets(tmp_path / "b", without)
    # the exact training rows are kept beside the model: the roundups a story-trained head saw included
    assert set(roundups["id"]) <= slant_keys(tmp_path / "a", with_stories)
    assert not set(roundups["id"]) & slant_keys(tmp_path / "b", without)
    card = read_card(with_stories, tmp_path / "a")
    assert check_rows(card, roundups, tmp_path / "a").n_in == len(roundups)  # evaluate says IN-SAMPLE
