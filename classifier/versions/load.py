"""The one loader: a saved version (the promoted one by default) as the :class:`Scorer` of its kind. The
score flow, `framewatch classify`, `framewatch evaluate`, the protocol, promotion and the retrain loop all
load versions here, so evaluation scores exactly what production scores."""

from __future__ import annotations

import logging
from pathlib import Path

from classifier.composite import KIND as COMPOSITE_KIND
from classifier.composite import load_composite
from classifier.predict import TextScorer
from classifier.registry import RegistryError, model_dir, promoted_version, read_card
from classifier.scoring import Scorer
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
