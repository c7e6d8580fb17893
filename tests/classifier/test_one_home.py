"""One home per rule (issue 22): the frame decision rule, loading a version by its kind and the promotion
rule each live in one module, and every caller goes through it. The checks read the product code, so a
second copy fails here the day it is written."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from classifier.thresholds import best_f1_threshold, decide_frames, frame_lists

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["classifier", "flows", "framewatch", "labels", "warehouse", "bench"]


def _sources() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for package in PRODUCT
        for p in (ROOT / package).rglob("*.py")
    }


def _where(pattern: str) -> set[str]:
    rx = re.compile(pattern)
    return {path for path, text in _sources().items() if rx.search(text)}


def test_the_frame_decision_rule():
    probs = np.array([[0.2, 0.6, 0.1], [0.1, 0.2, 0.3], [0.0, 0.0, 0.0]])
    decided = decide_frames(probs, np.array([0.5, 0.5, 0.05]))
    assert decided.tolist() == [[0, 1, 1], [0, 0, 1], [1, 0, 0]]  # over the threshold, plus the top frame
    assert frame_lists(decided, ["a", "b", "c"]) == [["b", "c"], ["c"], ["a"]]
    assert decide_frames(probs, 0.15).tolist() == [[1, 1, 0], [0, 1, 1], [1, 0, 0]]  # one threshold for all


def test_best_f1_threshold() -> None:
    y = np.array([1, 1, 0, 0, 1, 0])
    scores = np.array([0.9, 0.7, 0.6, 0.2, 0.65, 0.1])
    assert best_f1_threshold(y, scores) == pytest.approx(0.61)
    assert best_f1_threshold(np.zeros(3), np.array([0.1, 0.2, 0.3])) == pytest.approx(0.05)


def test_the_frame_decision_rule_is_written_once():
    # the rule's two halves: "the most probable frame is always in" and "at or over the threshold"
    top_frame = _where(r"argmax\(1\)\]\s*=\s*1|==\s*primary(?:_idx)?\b|or j == \w+")
    over = _where(r">=\s*(?:m\.)?thresholds?(?:_)?\[|>=\s*thresholds?\[None")
    assert top_frame | over <= {"classifier/thresholds.py"}, (top_frame | over) - {"classifier/thresholds.py"}
    callers = _where(r"\bdecide_frames\(")
    for module in (
        "classifier/frames.py",  # tuning the threshold
        "classifier/protocol.py",  # cross-validation
        "classifier/scoring.py",  # every scorer's decisions (TextScorer, TransformerScorer)
        "classifier/heldout.py",  # the reference on a held-out file
        "classifier/transformer/predict.py",
        "classifier/transformer/train.py",
    ):
        assert module in callers, module


def test_a_version_is_loaded_by_its_kind_in_one_place():
    assert _where(r"\bload_transformer_scorer\(") - {"classifier/transformer/predict.py"} == {
        "classifier/versions/load.py"
    }
    assert _where(r"\bload_composite\(") - {"classifier/composite.py"} == {"classifier/versions/load.py"}
    assert not _where(r"hasattr\(\s*scorer")  # no dispatch on what a scorer happens to have


def test_the_promotion_rule_is_one_function_that_every_gate_calls():
    defined = {p for p, t in _sources().items() if re.search(r"^def verdict\(", t, re.M)}
    assert defined == {"classifier/versions/promotion.py"}
    judging = _where(r"\b(?:verdict|judge|judge_turn)\(")
    for caller in ("framewatch/cli/models.py", "flows/retrain_check.py", "flows/retrain.py"):
        assert caller in judging, caller
    assert not _where(r"beats_reference\"\]\s*=|def decide\(|def earned\(")  # the old copies are gone
