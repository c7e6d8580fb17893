"""The committed, promoted model: loads, scores the seed articles, behaves sensibly."""

from __future__ import annotations

import json

import pytest

from classifier.data import compose_text
from classifier.evidence import SLANT_KEY, split_sentences
from classifier.predict import load_scorer
from classifier.registry import RegistryError, promoted_version, read_card
from classifier.scoring import Doc, Prediction, Scorer
from classifier.settings import PACKAGE_DIR
from labels.codebook import load_codebook

BOOK = load_codebook()
MODELS_DIR = PACKAGE_DIR / "models"


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    try:
        return load_scorer(models_dir=MODELS_DIR)
    except RegistryError as exc:  # pragma: no cover - the repo commits a promoted model
        pytest.fail(f"committed promoted model missing: {exc}")


def _check(prediction: Prediction, doc: Doc) -> None:
    assert list(prediction.frame_probs) == BOOK.frame_names
    assert all(0.0 <= p <= 1.0 for p in prediction.frame_probs.values())
    assert set(prediction.frames) <= set(BOOK.frame_names)
    assert prediction.primary_frame == max(prediction.frame_probs, key=prediction.frame_probs.get)
    assert prediction.primary_frame in prediction.frames
    assert list(prediction.slant_probs) == list(BOOK.slant_labels)
    assert sum(prediction.slant_probs.values()) == pytest.approx(1.0)
    assert prediction.slant == max(prediction.slant_probs, key=prediction.slant_probs.get)
    assert -1.0 <= prediction.tone_score <= 1.0 and prediction.tone in BOOK.tone_labels
    assert set(prediction.evidence) == {*prediction.frames, SLANT_KEY}
    sentences = set(split_sentences(compose_text(doc.title, doc.text)))
    for key, picked in prediction.evidence.items():
        assert 1 <= len(picked) <= 2, key
        assert all(s in sentences for s in picked), key
    row = prediction.to_row()
    assert json.loads(row["evidence"]) == prediction.evidence
    assert row["frame_probs"] == prediction.frame_probs


def test_promoted_model_card_matches_codebook(scorer: Scorer) -> None:
    assert scorer.version == promoted_version(MODELS_DIR)
    card = read_card(scorer.version, MODELS_DIR)
    assert card["codebook_version"] == BOOK.version
    assert card["metrics"]["frames"]["n_rows"] > 1000 and card["metrics"]["slant"]["n_rows"] > 20000
    size = sum(p.stat().st_size for p in (MODELS_DIR / scorer.version).iterdir())
    assert size < 20e6


def test_scores_seed_articles(scorer: Scorer, seed_docs: list[tuple[str, str]]) -> None:
    docs = [Doc(title="", text=text) for _, text in seed_docs]
    predictions = scorer.score(docs, batch_size=1)
    assert len(predictions) == len(docs)
    for prediction, doc in zip(predictions, docs, strict=True):
        _check(prediction, doc)
    # batching does not change results
    assert scorer.score(docs, batch_size=64) == predictions


def test_directional_expectations(scorer: Scorer) -> None:
    crime = Doc(
        "Man charged in shooting",
        "Police arrested a man on Friday and charged him with murder after a shooting. Prosecutors said "
        "he faces life in prison if convicted. The suspect was held in jail.",
    )
    economy = Doc(
        "Budget raises taxes",
        "The state budget raises taxes on businesses to cover a deficit. "
        "Economists said higher costs could cut jobs and wages, and prices may rise.",
    )
    crime_p, economy_p = scorer.score([crime, economy])
    for prediction, doc in ((crime_p, crime), (economy_p, economy)):
        _check(prediction, doc)
    crime_frame, econ_frame = BOOK.frame_names[6], BOOK.frame_names[0]
    assert crime_p.frame_probs[crime_frame] > economy_p.frame_probs[crime_frame]
    assert economy_p.frame_probs[econ_frame] > crime_p.frame_probs[econ_frame]
    assert crime_p.primary_frame == crime_frame
