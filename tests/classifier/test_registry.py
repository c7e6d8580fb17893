"""Training a small real model, the skops round trip, trusted types, and the registry."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

from classifier import promotion, registry
from classifier.baseline import BaselineModel
from classifier.predict import load_scorer
from classifier.scoring import Doc
from labels.codebook import load_codebook
from tests.classifier.conftest import SMALL_FRAME_ROWS, SMALL_SLANT_ROWS  # sizes of the small model

CRAFTED_TEXTS = [
    "Council approves budget\nThe council approved a budget that raises property taxes for new schools.",
    "Arrest after robbery\nPolice arrested a suspect after a robbery downtown; he appears in court Monday.",
]


class NotAModelPart:
    """A type that no model file should contain."""

    def __init__(self) -> None:
        self.payload = "anything"


def test_small_model_card_and_files(small_model_dir: tuple[Path, str]) -> None:
    root, version = small_model_dir
    assert re.fullmatch(r"model-\d{8}-[0-9a-f]{8}", version)
    folder = root / version
    names = {p.name for p in folder.iterdir()}
    assert {
        "frames.json",
        "frames.safetensors",
        "slant.json",
        "slant.safetensors",
        "card.json",
        "README.md",
    } <= names
    assert not any(n.endswith((".pkl", ".pickle", ".joblib", ".skops")) for n in names)  # no pickle at all
    card = json.loads((folder / "card.json").read_text())
    book = load_codebook()
    assert card["version"] == version and card["kind"] == "composite"
    assert card["heads"] == {"frames": "calibrated-char-tfidf", "slant": "cue-stripped-tfidf"}
    assert card["codebook_version"] == book.version
    assert card["labels"]["frames"] == book.frame_names and card["labels"]["slant"] == list(book.slant_labels)
    assert version.endswith(card["data"]["dataset_hash"][:8])
    assert card["data"]["frames"]["rows"] == SMALL_FRAME_ROWS
    assert card["data"]["slant"]["rows"] == SMALL_SLANT_ROWS
    assert card["data"]["frames"]["files"][0]["rows"] > 1000
    assert set(card["thresholds"]) == set(book.frame_names)
    evaluation = card["evaluation"]
    frames_m = evaluation["frames"]["model"]["article"]
    slant_m = evaluation["slant"]["model"]["article"]
    assert 0.3 < frames_m["micro_f1"] <= 1.0  # well above chance even on a few hundred articles
    assert 0.0 <= slant_m["macro_f1"] <= 1.0 and slant_m["n_outlets"] > 10
    assert "plain TF-IDF + LR" in evaluation["frames"] and "groups: outlet" in evaluation["protocol"]["slant"]
    assert {"scikit-learn", "safetensors", "vaderSentiment"} <= set(card["libraries"])
    readme = (folder / "README.md").read_text()
    assert version in readme and "## Limitations" in readme and "lexicon-based" in readme
    assert "plain TF-IDF + LR" in readme and "frames micro-F1" in readme


LEGACY = Path(__file__).resolve().parents[2] / "classifier" / "models" / "baseline-20261123-341afe18"


@pytest.fixture(scope="module")
def small_model() -> BaselineModel:
    """The committed v1 baseline (kind baseline-tfidf-lr, skops): older versions must stay loadable."""
    return registry.load_model(LEGACY / "model.skops")


def test_skops_roundtrip_gives_identical_probabilities(
    small_model: BaselineModel, tmp_path: Path, shared_files: tuple[Path, Path]
) -> None:
    assert isinstance(small_model, BaselineModel)
    texts = CRAFTED_TEXTS + pd.read_parquet(shared_files[0], columns=["text"])["text"].head(3).tolist()
    card = json.loads((LEGACY / "card.json").read_text()) | {"version": "roundtrip-test"}
    saved = registry.save_model(small_model, card, tmp_path)
    again = registry.load_model(saved / "model.skops")
    assert np.array_equal(small_model.predict_proba_frames(texts), again.predict_proba_frames(texts))
    assert np.array_equal(small_model.predict_proba_slant(texts), again.predict_proba_slant(texts))
    assert again.frame_thresholds_ == small_model.frame_thresholds_
    # never pickle: a skops zip archive with a JSON schema
    with zipfile.ZipFile(saved / "model.skops") as archive:
        assert "schema.json" in archive.namelist()


def test_loading_refuses_untrusted_types(tmp_path: Path) -> None:
    evil = tmp_path / "evil.skops"
    sio.dump({"model": NotAModelPart()}, evil)
    with pytest.raises(registry.UntrustedModelError, match="NotAModelPart"):
        registry.load_model(evil)
    plain = tmp_path / "plain.skops"
    sio.dump({"just": "a dict"}, plain)
    with pytest.raises(registry.UntrustedModelError, match="expected a BaselineModel"):
        registry.load_model(plain)


def test_saving_refuses_untrusted_types(small_model: BaselineModel, tmp_path: Path) -> None:
    small_model.extra_ = NotAModelPart()
    try:
        with pytest.raises(registry.UntrustedModelError, match="NotAModelPart"):
            registry.save_model(small_model, {"version": "bad"}, tmp_path)
    finally:
        del small_model.extra_
    assert not (tmp_path / "bad").exists()


def test_registry_list_promote_and_errors(small_model_dir: tuple[Path, str], tmp_path: Path) -> None:
    root, version = small_model_dir
    with pytest.raises(registry.RegistryError, match="framewatch train"):
        registry.promoted_version(tmp_path)
    unpromoted = tmp_path / "unpromoted"
    shutil.copytree(root / version, unpromoted / version)
    expected = f"framewatch models promote VERSION` with one of: {version}"
    with pytest.raises(registry.RegistryError, match=expected):
        registry.promoted_version(unpromoted)
    with pytest.raises(registry.RegistryError, match="no model 'nope'"):
        promotion.promote("nope", root)
    promotion.promote(version, root)
    assert registry.promoted_version(root) == version
    infos = {m.version: m for m in registry.list_models(root)}
    assert infos[version].promoted and infos[version].card["version"] == version
    scorer = load_scorer(models_dir=root)
    assert scorer.version == version
    prediction = scorer.score([Doc(title="", text=CRAFTED_TEXTS[1])])[0]
    assert set(prediction.frame_probs) == set(load_codebook().frame_names)


def test_a_kind_that_does_not_load_cannot_be_promoted(tmp_path: Path) -> None:
    """Before issue 13, promote only checked that a card.json existed; now the version must load."""
    folder = tmp_path / "transformer-20250101-abcdef12"
    folder.mkdir()
    (folder / "card.json").write_text(json.dumps({"version": folder.name, "kind": "transformer-test"}))
    with pytest.raises(
        registry.RegistryError,
        match="cannot promote .*of kind 'transformer-test', which this framewatch cannot load",
    ):
        promotion.promote(folder.name, tmp_path)
    assert not (tmp_path / "PROMOTED").exists()
    (tmp_path / "PROMOTED").write_text(folder.name)  # promoted by hand: scoring still refuses it clearly
    with pytest.raises(registry.RegistryError, match="of kind 'transformer-test'"):
        load_scorer(models_dir=tmp_path)
