"""The training recipes `framewatch evaluate` cross-validates and `framewatch train` fits: the product's
(calibrated char n-gram frames, cue-stripped slant) and the plain reference beside it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from classifier.frames import CalibratedFrames
from classifier.protocol import Candidate
from classifier.reference import NAME as REFERENCE
from classifier.reference import PlainFrames, PlainSlant
from classifier.slant import CueStrippedSlant
from classifier.transformer.preprocessing import outlet_names

MODEL = "model"


def masked_names(slant_df: pd.DataFrame | None, ratings_file: Path | None) -> list[str]:
    """Outlet names and domains the slant model masks: those of the labeled data and of the ratings file
    (names only, no labels), with their variants ('The X', 'X (Opinion)')."""
    return outlet_names(slant_df, ratings_file)


def product(names: Sequence[str], labels: Sequence[str], outlets: Sequence[str] = ()) -> Candidate:
    """The recipe `framewatch train` fits; `outlets` are the names the slant model masks."""
    return Candidate(
        MODEL, CalibratedFrames(frame_names=list(names)), CueStrippedSlant(outlet_names=tuple(outlets))
    )


def reference(names: Sequence[str], labels: Sequence[str]) -> Candidate:
    return Candidate(REFERENCE, PlainFrames(list(names)), PlainSlant(tuple(labels)))


def candidates(names: Sequence[str], labels: Sequence[str], outlets: Sequence[str] = ()) -> list[Candidate]:
    return [product(names, labels, outlets), reference(names, labels)]
