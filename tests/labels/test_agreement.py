"""Agreement and adjudication on hand-checkable data."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from labels.adjudication import gold_row, propose_gold
from labels.agreement import agreement, confusion_table
from labels.codebook import LabelError, load_codebook

BOOK = load_codebook()


def lab(
    article: str,
    who: str,
    frames: list[str],
    slant: str = "center",
    tone: str = "neutral",
    primary: str | None = None,
) -> dict:
    return {
        "article_id": article,
        "annotator": who,
        "frames": frames,
        "primary_frame": primary or frames[0],
        "slant": slant,
        "tone": tone,
    }


def test_perfect_agreement_is_one_and_matches_krippendorff():
    slants = ["left", "center", "right", "left", "right"]
    labels = [
        lab(f"a{i}", who, ["Economic"], slant=s) for i, s in enumerate(slants) for who in ("ann", "ben")
    ]
    report = agreement(labels, BOOK)
    assert report.alpha("slant") == pytest.approx(1.0)
    assert report.alpha("Economic") is None  # one value only: alpha undefined, reported as n/a
    assert report.n_overlap == 5


def test_alpha_equals_the_library_on_raters_by_units():
    ann = ["left", "left", "center", "right", "right", "center", "left"]
    ben = ["left", "center", "center", "right", "left", "center", "left"]
    labels = [lab(f"a{i}", "ann", ["Economic"], slant=s) for i, s in enumerate(ann)]
    labels += [lab(f"a{i}", "ben", ["Economic"], slant=s) for i, s in enumerate(ben)]
    labels.append(lab("solo", "ann", ["Political"], slant="right"))  # one rating only: not pairable
    code = {"left": 0, "center": 1, "right": 2}
    data = np.array([[code[s] for s in ann] + [2], [code[s] for s in ben] + [np.nan]], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    report = agreement(labels, BOOK)
    assert report.alpha("slant") == pytest.approx(expected)
    slant = next(a for a in report.alphas if a.variable == "slant")
    assert slant.n_units == 7 and slant.observed_agreement == pytest.approx(5 / 7)


def test_pairwise_confusion():
    labels = [
        lab("a1", "ann", ["Economic"], slant="left"),
        lab("a1", "ben", ["Economic", "Political"], slant="right"),
        lab("a2", "ann", ["Political"], slant="left"),
        lab("a2", "ben", ["Political"], slant="left"),
    ]
    (pair,) = agreement(labels, BOOK).pairs
    assert (pair.a, pair.b, pair.n_shared) == ("ann", "ben", 2)
    assert confusion_table(pair, "slant", BOOK.slant_labels) == [[1, 0, 1], [0, 0, 0], [0, 0, 0]]
    assert pair.confusion["frames"] == {("yes", "yes"): 2, ("no", "yes"): 1}
    assert pair.agreement("slant") == pytest.approx(0.5)


def test_majority_becomes_gold_and_conflicts_are_listed():
    labels = [
        # unanimous
        lab("u", "ann", ["Economic"]),
        lab("u", "ben", ["Economic"]),
        # 2 of 3 on everything
        lab("m", "ann", ["Crime and punishment", "Political"], slant="right", primary="Crime and punishment"),
        lab("m", "ben", ["Crime and punishment"], slant="right"),
        lab(
            "m", "cat", ["Crime and punishment", "Political"], slant="center", primary="Crime and punishment"
        ),
        # 1 vs 1 on slant and on a frame
        lab("c", "ann", ["Economic", "Morality"], slant="left"),
        lab("c", "ben", ["Economic"], slant="right"),
        # a single annotator
        lab("s", "ann", ["Other"]),
    ]
    decided, conflicts = propose_gold(labels, BOOK)
    gold = {g["article_id"]: g for g in decided}
    assert set(gold) == {"u", "m"}
    assert gold["u"]["method"] == "unanimous"
    assert gold["m"]["method"] == "majority" and gold["m"]["slant"] == "right"
    assert gold["m"]["frames"] == ["Crime and punishment", "Political"] and gold["m"]["n_annotators"] == 3
    (conflict,) = conflicts
    assert conflict.article_id == "c"
    assert any("slant" in r for r in conflict.reasons) and any("Morality" in r for r in conflict.reasons)
    decided, _ = propose_gold(labels, BOOK, accept_single=True, skip={"u", "m"})
    assert [(g["article_id"], g["method"]) for g in decided] == [("s", "single")]


def test_adjudicated_gold_is_validated():
    row = gold_row("c", ["economic"], None, "left", "neutral", BOOK, "adjudicated", 2, adjudicator="ed")
    assert row["frames"] == ["Economic"] and row["codebook_version"] == BOOK.version
    with pytest.raises(LabelError, match="unknown slant"):
        gold_row("c", ["Economic"], None, "leftish", "neutral", BOOK, "adjudicated", 2)
