from __future__ import annotations

import pytest

from classifier.tone import NEGATIVE_BELOW, POSITIVE_ABOVE, ToneScorer, tone_label
from labels.codebook import load_codebook


def test_labels_follow_named_thresholds_and_codebook() -> None:
    assert tone_label(NEGATIVE_BELOW - 0.01) == "negative"
    assert tone_label(NEGATIVE_BELOW) == "neutral"
    assert tone_label(0.0) == "neutral"
    assert tone_label(POSITIVE_ABOVE) == "neutral"
    assert tone_label(POSITIVE_ABOVE + 0.01) == "positive"
    assert {tone_label(x) for x in (-1, 0, 1)} == set(load_codebook().tone_labels)


def test_vader_scores_direction_and_range() -> None:
    scorer = ToneScorer()
    good = scorer.score(
        ["The volunteers did a wonderful, generous job.", "Residents were delighted and grateful."]
    )
    bad = scorer.score(["The attack was horrific and cruel.", "Victims described terrible pain and fear."])
    assert 0.5 < good <= 1.0
    assert -1.0 <= bad < -0.5
    assert scorer.score_label(["A great success."])[1] == "positive"


def test_mean_over_sentences_and_empty_input() -> None:
    scorer = ToneScorer()
    one = scorer.score(["This is a great day."])
    assert scorer.score(["This is a great day.", "The meeting is on Tuesday."]) == pytest.approx(one / 2)
    assert scorer.score([]) == 0.0
    assert scorer.score(["   "]) == 0.0
