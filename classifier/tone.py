"""Tone v1: VADER, a lexicon and rules (Hutto & Gilbert 2014); no training data involved.

The shared corpora carry no tone labels, so tone is lexicon-based until labeled tone data exists.
VADER's lexicon is English: other languages score close to 0 (neutral).
The score is the mean VADER compound over the text's sentences, in [-1, 1].
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property
from typing import Protocol

from labels.codebook import load_codebook

logger = logging.getLogger(__name__)

# VADER's own recommended cut-offs for its compound score.
NEGATIVE_BELOW = -0.05
POSITIVE_ABOVE = 0.05
NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
METHOD = "vaderSentiment mean sentence compound"


def tone_label(score: float) -> str:
    """negative below NEGATIVE_BELOW, positive above POSITIVE_ABOVE, neutral in between."""
    if score < NEGATIVE_BELOW:
        return NEGATIVE
    if score > POSITIVE_ABOVE:
        return POSITIVE
    return NEUTRAL


class _Sentiment(Protocol):
    """What we use of vaderSentiment's SentimentIntensityAnalyzer (the package has no type hints)."""

    def polarity_scores(self, text: str) -> dict[str, float]: ...


class ToneScorer:
    """Scores tone from sentences. The VADER lexicon is loaded on first use, not on construction."""

    @cached_property
    def _analyzer(self) -> _Sentiment:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        book = load_codebook()
        for label in (NEGATIVE, NEUTRAL, POSITIVE):
            book.validate_tone(label)
        return SentimentIntensityAnalyzer()

    def score(self, sentences: Sequence[str]) -> float:
        """Mean compound over non-empty sentences; 0.0 when there are none."""
        values = [self._analyzer.polarity_scores(s)["compound"] for s in sentences if s.strip()]
        if not values:
            return 0.0
        return max(-1.0, min(1.0, sum(values) / len(values)))

    def score_label(self, sentences: Sequence[str]) -> tuple[float, str]:
        value = self.score(sentences)
        return value, tone_label(value)
