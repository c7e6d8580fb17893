"""The retraining loop's protocol check: does adding the new gold labels make the recipe worse anywhere
the evaluation protocol looks? The champion's recipe (base corpora only) and the challenger's (the same,
plus the gold labels in every training fold) are cross-validated on the same folds of the base corpora,
and each main figure is compared (classifier.protocol; labels.retrain.decide reads the result).

A drop counts as a loss when it is larger than `protocol_tolerance` and, for a figure measured in each
fold (the outlet ranking), also larger than twice the standard error of the per-fold differences: on a
few hundred articles the outlet Spearman moves by several hundredths between two fits of the same
recipe, and that noise is not a loss."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path

from classifier.data import frame_rows, load_labeled, slant_rows
from classifier.protocol import MAIN_FIGURES, Candidate, cross_validate, get_path
from classifier.recipes import MODEL, masked_names, product
from labels.codebook import load_codebook
from labels.retrain import ProtocolCheck, RetrainConfig

log = logging.getLogger(__name__)

FIGURES = {  # the protocol's main figures the retraining gate compares
    name: MAIN_FIGURES[name]
    for name in (
        "frames micro-F1",
        "frame share MAE",
        "slant macro-F1",
        "outlet Spearman",
        "same-event pair order",
    )
}
PER_FOLD = {"outlet Spearman": ("outlet", "spearman_per_fold")}  # figure -> path of its per-fold values


def fold_noise(before: object, after: object) -> float:
    """Twice the standard error of the mean per-fold difference (0 when the folds do not line up)."""
    if not isinstance(before, list) or not isinstance(after, list) or len(before) != len(after):
        return 0.0
    if len(before) < 2:
        return 0.0
    diffs = [float(a) - float(b) for a, b in zip(after, before, strict=True)]
    mean = sum(diffs) / len(diffs)
    var = sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)
    return 2.0 * math.sqrt(var / len(diffs))


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
        champ = figures.get(section, {}).get("champion", {})
        chall = figures.get(section, {}).get(MODEL, {})
        before, after = get_path(champ, *path), get_path(chall, *path)
        if before is None or after is None:
            continue
        noise = (
            fold_noise(get_path(champ, *PER_FOLD[label]), get_path(chall, *PER_FOLD[label]))
            if (label in PER_FOLD)
            else 0.0
        )
        compared[label] = {
            "champion": round(before, 4),
            "challenger": round(after, 4),
            "higher_is_better": higher,
            "noise": round(noise, 4),
        }
        drop = (before - after) if higher else (after - before)
        if drop > max(config.protocol_tolerance, noise):
            within = f", beyond its fold-to-fold noise {noise:.3f}" if noise else ""
            losses.append(f"{label} {before:.3f} -> {after:.3f}{within}")
    log.info("protocol check: %s", compared)
    note = f"{config.protocol_folds}-fold protocol on the base corpora, gold labels in every training fold"
    return ProtocolCheck(True, compared, losses, note)
