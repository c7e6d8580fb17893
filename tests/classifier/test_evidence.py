"""Sentence splitting, article-sentence filtering and evidence selection on crafted text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from classifier.evidence import (
    SLANT_KEY,
    article_sentences,
    evidence_for,
    extract_evidence,
    is_article_line,
    select_evidence,
    split_sentences,
)

CRAFTED = (
    "Headline: City budget vote delayed\n"
    "The U.S. Senate passed the bill on Jan. 5 after a long debate. "
    "Dr. Ana Ruiz said the plan “will cost taxpayers $4.5 million.” "
    "“Is this fair?” asked one resident. "
    "Police arrested two men near the stadium! "
    "John F. Kennedy Airport was closed for 2 hours... and then reopened.\n\n"
    "Critics said the U.S. The new rules start in May."
)


def test_split_sentences_handles_abbreviations_and_quotes() -> None:
    assert split_sentences(CRAFTED) == [
        "Headline: City budget vote delayed",
        "The U.S. Senate passed the bill on Jan. 5 after a long debate.",
        "Dr. Ana Ruiz said the plan “will cost taxpayers $4.5 million.”",
        "“Is this fair?” asked one resident.",
        "Police arrested two men near the stadium!",
        "John F. Kennedy Airport was closed for 2 hours... and then reopened.",
        "Critics said the U.S.",
        "The new rules start in May.",
    ]
    assert all(s in CRAFTED for s in split_sentences(CRAFTED))
    assert split_sentences("") == []
    assert split_sentences(" . \n ...") == []


class KeywordModel:
    """A transparent stand-in: a frame's probability is the share of its keywords in the sentence."""

    frame_names_ = ["Money", "Crime"]
    slant_labels_ = ["left", "center", "right"]
    keywords = {"Money": {"cost", "taxpayers", "budget", "million"}, "Crime": {"police", "arrested"}}

    def _words(self, text: str) -> set[str]:
        return {w.strip(".,!?“”").lower() for w in text.split()}

    def predict_proba_frames(
        self, texts: Sequence[str], languages: Sequence[str] | None = None
    ) -> np.ndarray:
        words = [self._words(t) for t in texts]
        return np.array([[len(w & self.keywords[n]) / 4 for n in self.frame_names_] for w in words])

    def predict_proba_slant(self, texts: Sequence[str]) -> np.ndarray:
        right = np.array([0.9 if "fair" in t else 0.2 for t in texts])
        return np.stack([0.5 - right / 2, 0.5 - right / 2, right], axis=1)


def test_evidence_picks_top_sentences_per_frame_and_slant() -> None:
    evidence = extract_evidence(KeywordModel(), CRAFTED, frames=["Money", "Crime"], slant="right", k=1)
    assert evidence == {
        "Money": ["Dr. Ana Ruiz said the plan “will cost taxpayers $4.5 million.”"],
        "Crime": ["Police arrested two men near the stadium!"],
        SLANT_KEY: ["“Is this fair?” asked one resident."],
    }


def test_evidence_for_batches_and_top_k() -> None:
    texts = [CRAFTED, "Short one. Nothing here at all today."]
    sentences = [split_sentences(t) for t in texts]
    out = evidence_for(
        KeywordModel(), sentences, frames=[["Money"], ["Crime"]], slants=["left", "center"], k=2
    )
    assert len(out) == 2
    assert out[0]["Money"][0].startswith("Dr. Ana Ruiz") and len(out[0]["Money"]) == 2
    assert set(out[1]) == {"Crime", SLANT_KEY}
    # short sentences ("Short one.") are only used when nothing longer exists
    assert out[1]["Crime"] == ["Nothing here at all today."]


def test_select_evidence_without_sentences() -> None:
    empty = np.zeros((0, 2))
    assert select_evidence(
        [], empty, np.zeros((0, 3)), ["Money"], "left", ["Money", "Crime"], ["left", "center", "right"]
    ) == {"Money": [], SLANT_KEY: []}


SCRAPED = """Police arrested two men near the stadium after the robbery, and prosecutors filed charges.
Mayor signs new budget plan into law
The new budget will cost taxpayers $4.5 million next year, the city said.
Officers patrol the stadium on Sunday. (John Doe/AP Photo)
CLICK HERE TO GET THE NEWS APP
By Jane Smith, Metro Desk
Sign up for our daily newsletter.
Jane Smith contributed to this report.
"""


def test_captions_promos_headings_and_bylines_are_not_article_sentences() -> None:
    assert article_sentences(SCRAPED) == [
        "Police arrested two men near the stadium after the robbery, and prosecutors filed charges.",
        "The new budget will cost taxpayers $4.5 million next year, the city said.",
    ]
    assert is_article_line("“We will keep the city safe,” the mayor said.")
    assert not is_article_line("WATCH: The mayor speaks")
    assert article_sentences("Only a headline") == ["Only a headline"]  # nothing else: keep what there is


def test_each_label_takes_its_own_sentence_when_there_are_enough() -> None:
    sentences = [
        "Police arrested the suspect and the budget will cost taxpayers millions.",  # both frames, weakly
        "Police arrested two men near the stadium.",
        "The budget will cost taxpayers a million.",
    ]
    model = KeywordModel()
    out = select_evidence(
        sentences,
        model.predict_proba_frames(sentences),
        model.predict_proba_slant(sentences),
        ["Money", "Crime"],
        "left",
        model.frame_names_,
        model.slant_labels_,
        k=1,
    )
    assert out["Crime"] == ["Police arrested two men near the stadium."]
    assert out["Money"] == ["The budget will cost taxpayers a million."]
    assert out[SLANT_KEY] and out[SLANT_KEY][0] not in out["Crime"] + out["Money"]


# Hand-written page furniture shaped like what scraped news pages carry (issue 18.6: a reprint notice was
# cited as evidence for 27% of one outlet's articles). Each line tempts a frame with its words.
FURNITURE_LINES = [
    "Copyright © 2019 The Daily Ledger, LLC. Click here for reprint permission.",
    "Copyright (c) 2020 Metro Wire. All rights reserved.",
    "By Jane Marlow, Staff Writer",
    "By Jane Marlow and Tom Reyes",
    "Jane Marlow is a staff writer covering the city budget, taxes and crime for the Daily Ledger.",
    "Sign up for our newsletter to get the latest news on taxes, the budget and the economy.",
    "Click here to read more about the police investigation and the arrests.",
    "Jane MarlowJane Marlow Council approves budget that raises property taxes for schools.",
    "Tom Reyes Tom Reyes Police arrest two men after downtown robbery.",
    "Reporting by Tom Reyes; editing by Ana Ruiz.",
]
PROSE = [
    "The council approved a budget that raises property taxes to pay for new schools.",
    "Police arrested two men after a robbery downtown, and prosecutors charged them with burglary.",
    "Economists said the higher taxes could cost local businesses jobs.",
]


def furniture_article() -> str:
    """Prose with furniture around it and inside its paragraphs (a promo after a sentence)."""
    return "\n".join(
        [
            "Council raises taxes as crime worries grow",
            FURNITURE_LINES[2],
            FURNITURE_LINES[7],
            PROSE[0] + " " + FURNITURE_LINES[6],
            FURNITURE_LINES[4],
            PROSE[1] + " " + FURNITURE_LINES[5],
            FURNITURE_LINES[8],
            PROSE[2],
            FURNITURE_LINES[9],
            FURNITURE_LINES[3],
            FURNITURE_LINES[0],
            FURNITURE_LINES[1],
        ]
    )


def test_page_furniture_is_never_an_evidence_candidate() -> None:
    sentences = article_sentences(furniture_article())
    assert set(PROSE) <= set(sentences)
    joined = " ".join(sentences)
    for line in FURNITURE_LINES:
        for piece in split_sentences(line):
            assert piece not in sentences, piece
    assert "reprint" not in joined and "newsletter" not in joined and "Click here" not in joined
    # prose that merely mentions such words stays
    assert article_sentences("By the end of the year, the council had approved the budget.") == [
        "By the end of the year, the council had approved the budget."
    ]


def test_evidence_from_a_keyword_model_skips_furniture_that_matches_its_keywords() -> None:
    text = furniture_article()
    evidence = extract_evidence(KeywordModel(), text, ["Money", "Crime"], "center", k=2)
    shown = {s for picked in evidence.values() for s in picked}
    assert shown and shown <= set(PROSE), shown


def test_a_name_glued_to_the_next_headline_is_scrape_junk() -> None:
    """Seen as evidence on a real 2018 article: a related-links block scraped into the text, its names run
    into the next headline ("... Mitchell McConnellGOP senators balk at lengthy impeachment trial ...")."""
    glued = (
        "Senate Majority Leader Jane Roe Addison (Jane) Janet RoeGOP senators balk at lengthy trial "
        "Graham: Senate trial 'must expose the witness' says the chair."
    )
    assert article_sentences("\n".join([PROSE[0], glued, PROSE[1]])) == [PROSE[0], PROSE[1]]
    for prose in (
        "OpenAI said on Tuesday that its new model would be released to schools.",
        "YouTube removed the video after MacArthur's family complained.",
        "The mRNA vaccine was approved by regulators on Friday, the FDA said.",
    ):
        assert article_sentences(prose) == [prose], prose
