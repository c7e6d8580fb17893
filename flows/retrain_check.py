"""The retraining loop's protocol check: does adding the new gold labels make the recipe worse anywhere
the evaluation protocol looks? The champion's recipe (base corpora only) and the challenger's (the same,
plus the gold labels in every training fold) are cross-validated on the same folds of the base corpora,
and each main figure is compared (classifier.protocol; labels.retrain.decide reads the result)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from classifier.data import frame_rows, load_labeled, slant_rows
from classifier.protocol import Candidate, cross_validate, get_path
from classifier.recipes import MODEL, masked_names, product
from labels.codebook import load_codebook
from labels.retrain import ProtocolCheck, RetrainConfig

log = logging.getLogger(__name__)

FIGURES = {  # figure -> (section, path, higher is better)
    "frames micro-F1": ("frames", ("article", "micro_f1"), True),
    "frame share MAE": ("frames", ("prevalence", "mae"), False),
    "slant macro-F1": ("slant", ("article", "macro_f1"), True),
    "outlet Spearman": ("slant", ("outlet", "spearman"), True),
    "same-event pair order": ("slant", ("events", "accuracy"), True),
}


def protocol_check(
    base_frames: Sequence[Path],
    base_slant: Sequence[Path],
    gold: Path | None,
    template: Candidate | None,
    config: RetrainConfig,
) -> ProtocolCheck:
    """Champion's recipe vs the challenger's (gold added to every training fold), same folds."""
    if config.protocol_folds < 2:
        return ProtocolCheck(False, {}, [], "skipped (protocol_folds < 2)")
    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    frames_df = frame_rows(load_labeled(list(base_frames)))
    slant_df = slant_rows(load_labeled(list(base_slant)))
    gold_df = load_labeled(gold) if gold is not None else None
    recipe = template or product(names, labels, masked_names(slant_df, None))
    champion = Candidate("champion", recipe.frames, recipe.slant)
    challenger = Candidate(
        MODEL,
        recipe.frames,
        recipe.slant,
        extra_frames=frame_rows(gold_df) if gold_df is not None else None,
        extra_slant=slant_rows(gold_df) if gold_df is not None else None,
    )
    figures, _ = cross_validate(
        frames_df, slant_df, [champion, challenger], names, labels, config.protocol_folds, config.seed
    )
    compared: dict[str, dict[str, float]] = {}
    losses = []
    for label, (section, path, higher) in FIGURES.items():
        before = get_path(figures.get(section, {}).get("champion", {}), *path)
        after = get_path(figures.get(section, {}).get(MODEL, {}), *path)
        if before is None or after is None:
            continue
        compared[label] = {
            "champion": round(before, 4),
            "challenger": round(after, 4),
            "higher_is_better": higher,
        }
        drop = (before - after) if higher else (after - before)
        if drop > config.protocol_tolerance:
            losses.append(f"{label} {before:.3f} -> {after:.3f}")
    log.info("protocol check: %s", compared)
    note = f"{config.protocol_folds}-fold protocol on the base corpora, gold labels in every training fold"
    return ProtocolCheck(True, compared, losses, note)
