"""The promoted model: one head per task, each the one that won its task on the evaluation protocol
(classifier.protocol), stated in the card. A version folder holds, besides card.json and README.md,
`<task>.json` (the head's settings and vocabulary) and `<task>.safetensors` (its arrays) per task: no
pickle, nothing executable; the registry checks the sha256 of every file on load."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from safetensors.numpy import load_file, save_file

from classifier.card import render_card
from classifier.frames import CalibratedFrames
from classifier.registry import RegistryError, staged_version
from classifier.sentence_frames import BlendedFrames
from classifier.slant import CueStrippedSlant

logger = logging.getLogger(__name__)

KIND = "composite"
CARD_FILE = "card.json"
README_FILE = "README.md"
TASKS = ("frames", "slant")


class FrameHead(Protocol):
    """A fitted frames estimator a version can hold (a recipe's frames, classifier.recipes)."""

    @property
    def frame_names_(self) -> list[str]: ...

    @property
    def thresholds_by_frame_(self) -> dict[str, float]: ...

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray: ...

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]: ...


class SlantHead(Protocol):
    """A fitted slant estimator a version can hold (a recipe's slant, classifier.recipes)."""

    @property
    def classes_(self) -> list[str]: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]: ...


# Head name (stored in the card) -> its class, which rebuilds a fitted head with `from_state(meta, arrays)`.
# A recipe whose estimators should be saved adds them here.
HEADS: dict[str, Any] = {
    "calibrated-char-tfidf": CalibratedFrames,
    "blended-char-use": BlendedFrames,  # char n-grams + the multilingual sentence view (issue 18)
    "cue-stripped-tfidf": CueStrippedSlant,
}


def head_name(head: Any) -> str:
    for name, cls in HEADS.items():
        if isinstance(head, cls):
            return name
    raise TypeError(f"{type(head).__name__} is not a known head; add it to classifier.composite.HEADS")


@dataclass
class CompositeModel:
    """Frames and slant heads behind the interface every scorer and the evidence reads."""

    frames: FrameHead
    slant: SlantHead

    @property
    def frame_names_(self) -> list[str]:
        return list(self.frames.frame_names_)

    @property
    def slant_labels_(self) -> list[str]:
        return list(self.slant.classes_)

    @property
    def frame_thresholds_(self) -> dict[str, float]:
        return self.frames.thresholds_by_frame_

    def predict_proba_frames(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        return self.frames.predict_proba(texts, languages)

    def predict_proba_slant(self, texts: Sequence[str]) -> np.ndarray:
        return self.slant.predict_proba(texts)

    def evidence_model(self) -> CompositeModel:
        """The model evidence scores sentences with: each head's `for_sentences()` where it has one (a head
        with a slow second view, an extra encoder, may rank sentences with its fast view only), else the
        head itself. Documents are always scored with every view."""
        frames = getattr(self.frames, "for_sentences", None)
        slant = getattr(self.slant, "for_sentences", None)
        if frames is None and slant is None:
            return self
        return CompositeModel(frames() if frames else self.frames, slant() if slant else self.slant)


def save_composite(model: CompositeModel, card: dict[str, Any], models_dir: Path | str) -> Path:
    """Write the version folder atomically (staged in a temporary folder, then renamed into place)."""
    root = Path(models_dir)
    version = card["version"]
    card = {**card, "kind": KIND, "heads": {t: head_name(getattr(model, t)) for t in TASKS}}
    target = root / version
    with staged_version(root, version) as staging:
        for task in TASKS:
            meta, arrays = getattr(model, task).to_state()
            (staging / f"{task}.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
            save_file(
                {k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(staging / f"{task}.safetensors")
            )
        (staging / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", "utf-8")
        (staging / README_FILE).write_text(render_card(card), "utf-8")
    size = sum(p.stat().st_size for p in target.iterdir()) / 1e6
    logger.info("saved model %s (%.1f MB)", version, size)
    return target


def load_composite(folder: Path | str) -> CompositeModel:
    """Rebuild the heads of a composite version folder from their JSON settings and safetensors arrays;
    RegistryError naming the file when one is missing or not readable."""
    folder = Path(folder)
    card = json.loads((folder / CARD_FILE).read_text("utf-8"))
    heads = {}
    for task in TASKS:
        name = card.get("heads", {}).get(task)
        if name not in HEADS:
            raise RegistryError(
                f"{folder}: unknown {task} head {name!r}; this framewatch knows {sorted(HEADS)}"
            )
        heads[task] = _head(folder, task, HEADS[name])
    return CompositeModel(**heads)


def _head(folder: Path, task: str, cls: Any) -> Any:
    fix = "restore the file or retrain the version"
    for file in (f"{task}.json", f"{task}.safetensors"):
        if not (folder / file).is_file():
            raise RegistryError(f"model {folder.name!r}: {file} is missing; {fix}")
    try:
        meta = json.loads((folder / f"{task}.json").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(
            f"model {folder.name!r}: {task}.json is not readable JSON ({exc}); {fix}"
        ) from exc
    try:
        arrays = load_file(str(folder / f"{task}.safetensors"))
    except Exception as exc:  # safetensors raises its own error type for any damage
        raise RegistryError(
            f"model {folder.name!r}: {task}.safetensors is not a readable safetensors file ({exc}); {fix}"
        ) from exc
    try:
        return cls.from_state(meta, arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(
            f"model {folder.name!r}: {task}.json and {task}.safetensors do not form a {task} head "
            f"({type(exc).__name__}: {exc}); {fix}"
        ) from exc
