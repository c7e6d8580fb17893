"""The one loader: a saved version (the promoted one by default) as the :class:`Scorer` of its kind. The
score flow, `framewatch classify`, `framewatch evaluate`, the protocol, promotion and the retrain loop all
load versions here, so evaluation scores exactly what production scores."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from classifier.composite import KIND as COMPOSITE_KIND
from classifier.composite import load_composite
from classifier.predict import TextScorer
from classifier.registry import PROBE, RegistryError, model_dir, promoted_version, read_card
from classifier.scoring import Doc, Scorer
from classifier.transformer import KIND as TRANSFORMER_KIND

logger = logging.getLogger(__name__)

KINDS = (COMPOSITE_KIND, TRANSFORMER_KIND)


def load_scorer(
    version: str | None = None, models_dir: Path | str | None = None, backend: str | None = None
) -> Scorer:
    """The scorer of ``version`` (the promoted one when None), chosen by its card's kind: a
    :class:`TextScorer` for composite versions, a ``TransformerScorer`` for transformers (``backend``:
    its encoder, auto / onnx-int8 / onnx / torch; default FRAMEWATCH_BACKEND). RegistryError when the
    version is unknown, damaged or of a kind this framewatch cannot load."""
    chosen = version or promoted_version(models_dir)
    folder = model_dir(chosen, models_dir)
    card = read_card(chosen, models_dir)
    kind = card.get("kind")
    if kind == TRANSFORMER_KIND:
        from classifier.transformer.predict import load_transformer_scorer  # torch: only for this kind

        return load_transformer_scorer(folder, backend=backend)
    if kind != COMPOSITE_KIND:
        raise RegistryError(
            f"model {chosen!r} is of kind {kind!r}, which this framewatch cannot load (it knows "
            f"{', '.join(KINDS)}); retrain it with `framewatch train` or pick another version"
        )
    model = load_composite(folder)
    logger.info("loaded model %s (%s)", chosen, kind)
    return TextScorer(model=model, version=chosen, card=card, kind=str(kind))


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
    except Exception as exc:  # safetensors, tokenizers, torch errors: the version is unusable
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
