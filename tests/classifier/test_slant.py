"""Slant without outlet cues: stripping removes names, bylines, datelines, credits and promos; inserting or
swapping outlet names barely moves a prediction (behavioural test on real articles); capped outlet weights;
the saved state scores identically."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifier.cues import outlet_pattern, strip_cues
from classifier.slant import CueStrippedSlant, outlet_cap_weights

SCRAPED = """Senate passes border bill
WASHINGTON (AP) — The Senate passed the border security bill on Tuesday after a long debate.
(Photo by Jane Doe/Getty Images)
By John Smith
Sign up for the Morning Wire newsletter.
Lawmakers said the bill funds new officers, and Fox News reported the vote was close.
John Smith is a senior correspondent for Fox News."""


def test_cue_stripping_removes_outlet_tells_and_keeps_the_story():
    out = strip_cues(SCRAPED, outlet_pattern(("Fox News",)))
    assert out.splitlines() == [
        "Senate passes border bill",
        "The Senate passed the border security bill on Tuesday after a long debate.",
        "Lawmakers said the bill funds new officers, and reported the vote was close.",
    ]


def test_capped_outlet_weights():
    w = outlet_cap_weights(["a"] * 300 + ["b"] * 10, cap=100)
    assert w[:300].sum() == pytest.approx(100) and (w[300:] == 1).all()


@pytest.fixture(scope="module")
def fitted(shared_files: tuple[Path, Path]) -> tuple[CueStrippedSlant, pd.DataFrame]:
    from classifier.cues import outlet_names
    from classifier.data import load_labeled, slant_rows, texts_of

    df = slant_rows(load_labeled(shared_files[1])).sample(1500, random_state=3).reset_index(drop=True)
    train, test = df.iloc[:1200], df.iloc[1200:].reset_index(drop=True)
    names = outlet_names(df, shared_files[1].parent / "outlet_ratings.parquet")
    model = CueStrippedSlant(outlet_names=tuple(names), cap=30).fit(
        texts_of(train), train["slant"].tolist(), train["outlet_domain"].tolist()
    )
    return model, test


def _score(model: CueStrippedSlant, texts: list[str]) -> np.ndarray:
    p = model.predict_proba(texts)
    return p[:, 2] - p[:, 0]


def test_outlet_names_barely_move_the_slant(fitted):
    """Append an outlet credit, prepend a dateline, swap a named outlet for another: the slant score
    P(right) - P(left) moves by less than 0.05 on average."""
    from classifier.data import texts_of

    model, test = fitted
    texts = texts_of(test)[:150]
    base = _score(model, texts)
    shifted = {
        "credit": [t + "\nReporting by Fox News." for t in texts],
        "dateline": [t.replace("\n", "\n(CNN) -- ", 1) for t in texts],
        "swap": [t.replace("New York Times", "Breitbart").replace("CNN", "Fox News") for t in texts],
        "mention": [t + "\nMSNBC and The Daily Wire covered the story." for t in texts],
    }
    for name, variant in shifted.items():
        moved = float(np.abs(_score(model, variant) - base).mean())
        assert moved < 0.05, f"{name}: slant moved {moved:.3f} on average"


def test_saved_state_scores_identically(fitted):
    from classifier.data import texts_of

    model, test = fitted
    meta, arrays = model.to_state()
    back = CueStrippedSlant.from_state(meta, arrays)
    texts = texts_of(test)[:40]
    assert np.allclose(back.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
    assert np.allclose(back.predict_proba(texts).sum(1), 1.0)
