"""The codebook is data: complete, versioned, and the one place labels are validated against."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labels.codebook import CODEBOOK_PATH, LabelError, load_codebook

MFC_FRAMES = [
    "Economic",
    "Capacity and resources",
    "Morality",
    "Fairness and equality",
    "Legality, constitutionality and jurisprudence",
    "Policy prescription and evaluation",
    "Crime and punishment",
    "Security and defense",
    "Health and safety",
    "Quality of life",
    "Cultural identity",
    "Public opinion",
    "Political",
    "External regulation and reputation",
    "Other",
]


def test_the_fifteen_mfc_frames_in_order_with_guidance():
    book = load_codebook()
    assert book.frame_names == MFC_FRAMES
    assert re.fullmatch(r"\d+\.\d+\.\d+", book.version)
    assert len({f.key for f in book.frames}) == 15
    for frame in book.frames:
        assert frame.definition and frame.include and frame.exclude and frame.examples, frame.key


def test_slant_and_tone_have_a_guide_for_every_label():
    book = load_codebook()
    assert book.slant_labels == ("left", "center", "right")
    assert book.tone_labels == ("negative", "neutral", "positive")
    for guide in (*book.slant_guide, *book.tone_guide):
        assert guide.definition and guide.examples, guide.label
    assert [g.label for g in book.slant_guide] == list(book.slant_labels)


def test_validate_labels_accepts_names_or_keys_and_orders_frames():
    book = load_codebook()
    labels = book.validate_labels(["political", "Economic"], "Political", "left", "neutral")
    assert labels.frames == ("Economic", "Political") and labels.primary_frame == "Political"
    assert book.validate_labels(["health"], None, "center", "negative").primary_frame == "Health and safety"


@pytest.mark.parametrize(
    ("frames", "primary", "slant", "tone", "message"),
    [
        (["Economics"], "Economics", "left", "neutral", "unknown frame 'Economics'"),
        ([], None, "left", "neutral", "no frame chosen"),
        (["Economic", "Political"], None, "left", "neutral", "choose a primary frame"),
        (["Economic"], "Political", "left", "neutral", "not among the chosen frames"),
        (["Economic"], "Economic", "far-left", "neutral", "unknown slant 'far-left'"),
        (["Economic"], "Economic", "left", "angry", "unknown tone 'angry'"),
    ],
)
def test_invalid_labels_say_what_is_wrong(frames, primary, slant, tone, message):
    with pytest.raises(LabelError, match=re.escape(message)):
        load_codebook().validate_labels(frames, primary, slant, tone)


def test_guide_for_an_unknown_label_is_refused(tmp_path: Path):
    text = CODEBOOK_PATH.read_text(encoding="utf-8") + '\n[slant.guide.far_left]\ndefinition = "x"\n'
    path = tmp_path / "codebook.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabelError, match="far_left"):
        load_codebook(path)
