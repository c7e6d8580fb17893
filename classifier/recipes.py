"""The training recipes `framewatch evaluate` cross-validates: the product's own (what `framewatch train`
fits) and the plain reference beside it."""

from __future__ import annotations

from collections.abc import Sequence

from classifier.baseline import FrameClassifier, SlantClassifier
from classifier.protocol import Candidate
from classifier.reference import NAME as REFERENCE
from classifier.reference import PlainFrames, PlainSlant

MODEL = "model"


def product(names: Sequence[str], labels: Sequence[str]) -> Candidate:
    """The recipe `framewatch train` fits."""
    return Candidate(MODEL, FrameClassifier(frame_names=list(names)), SlantClassifier(labels=list(labels)))


def reference(names: Sequence[str], labels: Sequence[str]) -> Candidate:
    return Candidate(REFERENCE, PlainFrames(list(names)), PlainSlant(tuple(labels)))


def candidates(names: Sequence[str], labels: Sequence[str]) -> list[Candidate]:
    return [product(names, labels), reference(names, labels)]
