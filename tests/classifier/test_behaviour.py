"""Behavioural tests of the trained transformer model (Made-With-ML style): invariance, directional
expectations, and the seed articles. They use the newest transformer model in classifier/models and skip
when none is there (the weights are optional in the repository)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.scoring import Doc
from classifier.settings import PACKAGE_DIR
from classifier.transformer import KIND
from labels.codebook import load_codebook

BOOK = load_codebook()
CRIME = BOOK.frame_by_name("Crime and punishment").name
ECONOMIC = BOOK.frame_by_name("Economic").name

NEUTRAL = Doc(
    "City council reviews park plan",
    "The city council met on Tuesday to discuss plans for a new park near the river. Residents asked about "
    "opening hours, parking and the playground. The council will vote on the proposal next month.",
)


def _newest_transformer(root: Path) -> Path | None:
    dirs = (
        [
            p
            for p in root.iterdir()
            if (p / "card.json").exists() and json.loads((p / "card.json").read_text()).get("kind") == KIND
        ]
        if root.is_dir()
        else []
    )
    return max(dirs, key=lambda p: json.loads((p / "card.json").read_text()).get("created", ""), default=None)


@pytest.fixture(scope="module")
def scorer():  # noqa: ANN201
    from classifier.transformer.predict import load_transformer_scorer

    path = _newest_transformer(PACKAGE_DIR / "models")
    if path is None:
        pytest.skip(
            "no trained transformer model in classifier/models (train one with "
            "`python -m framewatch.cli.transformer --int8-only`)"
        )
    return load_transformer_scorer(path)


def _one(scorer, doc: Doc):  # noqa: ANN001, ANN202
    return scorer.score([doc], batch_size=1)[0]


def test_invariant_to_which_outlet_is_named(scorer) -> None:  # noqa: ANN001
    template = (
        "{outlet} reported that the state legislature passed a bill on school funding on Thursday. "
        "Lawmakers debated the measure for hours before the vote, {outlet} said."
    )
    outlets = ["Fox News", "CNN", "The New York Times", "Breitbart News"]
    preds = [_one(scorer, Doc("Legislature passes school bill", template.format(outlet=o))) for o in outlets]
    for p in preds[1:]:
        assert p.slant_probs == pytest.approx(preds[0].slant_probs, abs=1e-3)
        assert p.frame_probs == pytest.approx(preds[0].frame_probs, abs=1e-3)


def test_invariant_to_whitespace(scorer) -> None:  # noqa: ANN001
    messy = Doc(
        "  " + NEUTRAL.title + " ", NEUTRAL.text.replace(". ", ".   \n\n ").replace(" the ", "  the ")
    )
    a, b = _one(scorer, NEUTRAL), _one(scorer, messy)
    assert b.frames == a.frames and b.slant == a.slant
    assert b.frame_probs == pytest.approx(a.frame_probs, abs=0.02)


def test_crime_language_raises_crime_frame(scorer) -> None:  # noqa: ANN001
    crime = Doc(
        NEUTRAL.title,
        NEUTRAL.text + " Police arrested a man for murder near the park, and prosecutors "
        "charged him with assault and robbery. He faces years in prison if convicted.",
    )
    base, more = _one(scorer, NEUTRAL), _one(scorer, crime)
    assert more.frame_probs[CRIME] > base.frame_probs[CRIME] + 0.05
    assert more.evidence.get(CRIME) is None or any(
        "arrested" in s or "prison" in s for s in more.evidence[CRIME]
    )


def test_budget_language_raises_economic_frame(scorer) -> None:  # noqa: ANN001
    money = Doc(
        NEUTRAL.title,
        NEUTRAL.text + " The park will cost taxpayers $40 million, and the budget deficit "
        "could force higher property taxes and cuts to other spending.",
    )
    assert _one(scorer, money).frame_probs[ECONOMIC] > _one(scorer, NEUTRAL).frame_probs[ECONOMIC] + 0.05


def test_seed_articles_differ_on_slant_in_the_expected_direction(scorer, seed_docs) -> None:  # noqa: ANN001
    """The Fox News report (000_) leans further right than the blog post on the same story (004_)."""
    by_name = dict(seed_docs)
    fox = _one(scorer, Doc("", by_name[next(n for n in by_name if n.startswith("000_"))]))
    blog = _one(scorer, Doc("", by_name[next(n for n in by_name if n.startswith("004_"))]))

    def lean(p) -> float:  # noqa: ANN001
        return p.slant_probs["right"] - p.slant_probs["left"]

    assert lean(fox) > lean(blog) + 0.05
    assert fox.evidence["slant"] and blog.evidence["slant"]
