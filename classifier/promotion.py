"""Promotion: a version becomes the one every flow scores with only after it has loaded the way scoring
loads it and scored a probe text; its card is sealed (sha256 of every weight file) on the way. On any
problem PROMOTED is left as it was."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from classifier.predict import load_scorer
from classifier.registry import (
    PROBE,
    PROMOTED_FILE,
    RegistryError,
    load_card,
    model_dir,
    models_root,
    read_promoted,
    seal,
    verify_weights,
)
from classifier.scoring import Doc

logger = logging.getLogger(__name__)


def probe(
    version: str, models_dir: Path | str | None = None, load: Callable[[str], Any] | None = None
) -> dict[str, Any]:
    """Load `version` the way scoring does and score a probe text; RegistryError (with the reason) when it
    does not load or its prediction is not usable. Returns the prediction. `load`: how to load it (the
    CLI passes the score flow's per-process cache, so the run does not load the model twice)."""
    try:
        scorer = load(version) if load is not None else load_scorer(version, models_dir)
        prediction = scorer.score([Doc(title=PROBE[0], text=PROBE[1])])[0].to_dict()
    except RegistryError:
        raise
    except Exception as exc:  # safetensors, tokenizers, torch, skops errors: the version is unusable
        raise RegistryError(
            f"model {version!r} does not load or score ({type(exc).__name__}: {exc}); fix or retrain it"
        ) from exc
    probs = [*prediction["frame_probs"].values(), *prediction["slant_probs"].values()]
    if (
        not prediction["frame_probs"]
        or prediction["slant"] not in prediction["slant_probs"]
        or not all(isinstance(p, float) and math.isfinite(p) and 0.0 <= p <= 1.0 for p in probs)
    ):
        raise RegistryError(
            f"model {version!r} scored the probe text with unusable probabilities: {probs[:5]}"
        )
    return prediction


class NotEarned(RegistryError):
    """The version loads, but its card does not show that it beats the plain reference."""


def promote(version: str, models_dir: Path | str | None = None, require_evidence: bool = False) -> Path:
    """Point ``PROMOTED`` at ``version`` once it has loaded and scored a probe text (a version whose card
    lacks weight hashes gets them now); returns the PROMOTED file. With `require_evidence`, also only when
    its card shows it beats the plain reference on every protocol figure (`earned`; NotEarned otherwise).
    On any problem PROMOTED is unchanged."""
    root = models_root(models_dir)
    before = read_promoted(root)
    kept = f"PROMOTED still points at {before}" if before else "nothing is promoted"
    try:
        path = model_dir(version, root)
        probe(version, root)
    except RegistryError as exc:
        raise RegistryError(f"cannot promote {version!r}: {exc} ({kept})") from exc
    if require_evidence:
        ok, why = earned(version, root)
        if not ok:
            raise NotEarned(f"{version} is not promoted: {why} ({kept})")
    if verify_weights(load_card(path), path):
        seal(version, root)
    pointer = root / PROMOTED_FILE
    tmp = root / f".{PROMOTED_FILE}.tmp"
    tmp.write_text(version + "\n", "utf-8")
    os.replace(tmp, pointer)
    logger.info("promoted %s", version)
    return pointer


def earned(version: str, models_dir: Path | str | None = None) -> tuple[bool, str]:
    """Whether `version` may be promoted on its card's evidence: its recipe beat the plain reference on
    every main figure of the evaluation protocol (same folds, same run). (False, why) otherwise, including
    a version trained without cross-validation, which has no evidence."""
    card = load_card(model_dir(version, models_dir))
    verdict = card.get("decision") or {}
    if "beats_reference" not in verdict:
        return False, "its card has no protocol figures (trained without cross-validation)"
    losses = [name for name, row in verdict.items() if isinstance(row, dict) and not row.get("better")]
    if losses:
        return False, "it does not beat the plain reference on: " + ", ".join(losses)
    return True, "it beats the plain reference on every protocol figure"
