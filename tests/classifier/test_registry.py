"""Training a small real model through the protocol, its card and files, the JSON + safetensors round trip
of a saved version, and the registry."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifier import registry
from classifier.composite import load_composite, save_composite
from classifier.scoring import Doc
from classifier.settings import PACKAGE_DIR
from classifier.versions import promotion
from classifier.versions.load import load_scorer
from labels.codebook import load_codebook
from tests.classifier.conftest import SMALL_FRAME_ROWS, SMALL_SLANT_ROWS  # sizes of the small model

CRAFTED_TEXTS = [
    "Council approves budget\nThe council approved a budget that raises property taxes for new schools.",
    "Arrest after robbery\nPolice arrested a suspect after a robbery downtown; he appears in court Monday.",
]


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
    table = card["protocol_table"]
    assert table["roles"] == {"candidate": "model", "reference": "plain TF-IDF + LR"}  # nothing promoted
    checks = {r["check"] for r in table["rows"]}
    assert {"cv", "dev", "big_outlets", "same_story"} <= checks
    f1 = next(r for r in table["rows"] if r["check"] == "cv" and r["figure"] == "frames micro-F1")
    model_f1 = f1["values"]["model"]
    assert 0.3 < model_f1["value"] <= 1.0  # well above chance even on a few hundred articles
    assert model_f1["lo"] <= model_f1["value"] <= model_f1["hi"]
    big = next(r for r in table["rows"] if r["check"] == "big_outlets" and r["figure"] == "slant macro-F1")
    assert big["unit"] == "outlets" and big["n_units"] >= 5 and "reference" in big["vs"]
    assert {o["label"] for o in table["outlets"]} <= {"left", "center", "right"}
    evaluation = card["evaluation"]
    assert "groups: outlet" in evaluation["protocol"]["cv"] and "same_story" in evaluation["protocol"]
    assert evaluation["details"]["cv"]["model"]["article"]["n_outlets"] > 10
    assert card["recipe"] == "model" and card["data"]["slant"]["datasets"] == ["allsides_baly2020"]
    assert {"scikit-learn", "safetensors", "vaderSentiment"} <= set(card["libraries"])
    readme = (folder / "README.md").read_text()
    assert version in readme and "## Limitations" in readme and "lexicon-based" in readme
    assert "plain TF-IDF + LR" in readme and "big outlets held out: slant macro-F1" in readme


def test_a_saved_version_round_trips_to_the_same_probabilities(
    tmp_path: Path, shared_files: tuple[Path, Path]
) -> None:
    """The committed model saved again (JSON + safetensors, no pickle) and loaded: the same numbers."""
    version = registry.promoted_version(PACKAGE_DIR / "models")
    model = load_composite(PACKAGE_DIR / "models" / version)
    texts = CRAFTED_TEXTS + pd.read_parquet(shared_files[0], columns=["text"])["text"].head(3).tolist()
    card = registry.read_card(version, PACKAGE_DIR / "models") | {"version": "roundtrip-test"}
    again = load_composite(save_composite(model, card, tmp_path))
    assert np.array_equal(
        model.predict_proba_frames(texts, ["en"] * 5), again.predict_proba_frames(texts, ["en"] * 5)
    )
    assert np.array_equal(model.predict_proba_slant(texts), again.predict_proba_slant(texts))
    assert again.frame_thresholds_ == model.frame_thresholds_
    assert not any(
        p.suffix in {".pkl", ".pickle", ".joblib", ".skops"} for p in (tmp_path / "roundtrip-test").iterdir()
    )


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
    (folder / "weights.bin").write_bytes(b"\0" * 16)  # a version without weight files is refused earlier
    with pytest.raises(
        registry.RegistryError,
        match="cannot promote .*of kind 'transformer-test', which this framewatch cannot load",
    ):
        promotion.promote(folder.name, tmp_path)
    assert not (tmp_path / "PROMOTED").exists()
    (tmp_path / "PROMOTED").write_text(folder.name)  # promoted by hand: scoring still refuses it clearly
    with pytest.raises(registry.RegistryError, match="of kind 'transformer-test'"):
        load_scorer(models_dir=tmp_path)
