"""The committed, promoted model: loads, scores the seed articles, behaves sensibly."""

from __future__ import annotations

import json

import pytest

from classifier.evidence import SLANT_KEY, split_sentences
from classifier.registry import RegistryError, promoted_version, read_card
from classifier.scoring import Doc, Prediction, Scorer, compose_text
from classifier.settings import PACKAGE_DIR
from classifier.versions.load import load_scorer
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
    data = card["data"]
    assert data["frames"]["rows"] > 1000 and data["slant"]["rows"] > 20000
    # promoted by the rule (classifier.versions.promotion) on the protocol's table, which the card keeps
    assert card["decision"]["promote"] is True and card["decision"]["failures"] == []
    assert {r["check"] for r in card["protocol_table"]["rows"]} >= {"cv", "big_outlets", "same_story"}
    size = sum(p.stat().st_size for p in (MODELS_DIR / scorer.version).iterdir())
    assert size < 30e6  # committed to git: keep it small


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


# Hand-written articles: every sentence is written about one frame. The sentence the model shows as
# evidence for a frame it predicts should be one written about that frame.
ECON, CRIME, LAW = "Economic", "Crime and punishment", "Legality, constitutionality and jurisprudence"
HEALTH, POLITICAL, OPINION = "Health and safety", "Political", "Public opinion"
SECURITY, MORALITY = "Security and defense", "Morality"
EVIDENCE_ARTICLES = [
    (
        "Council weighs sanctuary ordinance",
        {
            ECON: "The program will cost the city $12 million a year, and the budget office warned "
            "that property taxes may have to rise to pay for it.",
            CRIME: "Police arrested 14 people last month, and prosecutors charged several of them "
            "with felony assault and burglary.",
            LAW: "A federal judge ruled that the ordinance is unconstitutional because it conflicts "
            "with federal law, and the city will appeal the ruling.",
            HEALTH: "Doctors at the county hospital said the clinics had treated hundreds of patients "
            "for flu and measles, and health officials urged residents to get vaccinated.",
            POLITICAL: "The mayor, a Democrat facing reelection, clashed with Republican council "
            "members, who accused her of playing politics before the election.",
            OPINION: "A poll released Tuesday found that 58 percent of residents support the policy, "
            "while hundreds of protesters rallied outside city hall.",
        },
    ),
    (
        "Border bill heads to Senate",
        {
            SECURITY: "Military commanders said troops and drones will patrol the border to stop "
            "smugglers and armed groups, calling it a national security threat.",
            ECON: "Economists said the tariffs would raise prices for consumers and cost farmers "
            "billions of dollars in lost exports and jobs.",
            CRIME: "Federal agents arrested the cartel leader, and prosecutors charged him with drug "
            "trafficking and murder; he faces life in prison.",
            POLITICAL: "Senate Republicans and Democrats traded blame ahead of the midterm elections, "
            "and party leaders counted votes for the bill.",
            MORALITY: "Religious leaders called the policy a moral failure, saying it is wrong to "
            "separate children from their families and that faith demands compassion.",
        },
    ),
]


def test_evidence_for_a_frame_is_a_sentence_about_that_frame(scorer: Scorer) -> None:
    shown = matched = 0
    misses = []
    for title, by_frame in EVIDENCE_ARTICLES:
        text = " ".join(by_frame.values())
        prediction = scorer.score([Doc(title=title, text=text)])[0]
        _check(prediction, Doc(title=title, text=text))
        for frame, sentences in prediction.evidence.items():
            if frame not in by_frame:  # the slant's evidence, or a frame no sentence was written for
                continue
            shown += 1
            if sentences[0] == by_frame[frame]:
                matched += 1
            else:
                misses.append((frame, sentences[0][:60]))
    assert shown >= 4, "the model predicted too few of the frames the articles were written about"
    assert matched / shown >= 0.75, misses


def test_evidence_of_the_promoted_model_is_never_page_furniture(scorer: Scorer) -> None:
    """Reprint notices, bylines, author bios, promos and scrape junk, hand-written in the shapes scraped
    pages carry, are never shown as evidence, even where their words match a predicted frame."""
    from tests.classifier.test_evidence import FURNITURE_LINES, PROSE, furniture_article

    text = furniture_article()
    prediction = scorer.score([Doc(title="", text=text)])[0]
    shown = {s for picked in prediction.evidence.values() for s in picked}
    assert shown and shown <= set(PROSE), shown
    assert not any(s in line for s in shown for line in FURNITURE_LINES)
