"""The retraining gate's evidence: the protocol (classifier.protocol) on the base corpora for the
challenger's recipe (the gold labels added to every training part), the plain reference and the champion
(the promoted model, scored on the same test rows), plus the frozen test set's row; the promotion rule
(classifier.versions.promotion.verdict, the one `framewatch train` and `models promote` use) decides."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from classifier import protocol
from classifier import table as tables
from classifier.checks import ROUNDUPS_FILE, ProtocolSettings, load_roundups
from classifier.data import frame_rows, load_labeled, slant_rows
from classifier.measures import build_table
from classifier.recipes import MODEL, Recipe, build, context
from classifier.reference import NAME as REFERENCE
from classifier.scoring import Scorer
from classifier.versions.promotion import Rule, Verdict, test_set_requirement, verdict
from labels.codebook import load_codebook
from labels.retrain import EvalScore, PairedTest, RetrainConfig, test_set_row

log = logging.getLogger(__name__)


def protocol_table(
    base_frames: Sequence[Path],
    base_slant: Sequence[Path],
    gold: Path | None,
    template: Recipe | None,
    config: RetrainConfig,
    champion: Scorer | None,
    data_dir: Path | None = None,
) -> tables.Table:
    """The protocol's table for the challenger's recipe beside the plain reference (both with the gold
    labels in every training part) and the champion, on the base corpora (and the same-story roundups
    when `data_dir` has them). The big-outlet check holds out the outlets with >= `config.big_outlet_share`
    of the slant rows."""
    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    frames_df = frame_rows(load_labeled(list(base_frames)))
    slant_df = slant_rows(load_labeled(list(base_slant)))
    gold_df = load_labeled(gold) if gold is not None else None
    ctx = context(names, labels, slant_df, None)
    recipe = template or build(MODEL, ctx)
    extra_frames = frame_rows(gold_df) if gold_df is not None else None
    extra_slant = slant_rows(gold_df) if gold_df is not None else None
    challenger = Recipe(MODEL, recipe.frames, recipe.slant, extra_frames, extra_slant)
    plain = build(REFERENCE, ctx)  # trained on the same rows: the gold labels too
    reference = Recipe(plain.name, plain.frames, plain.slant, extra_frames, extra_slant)
    settings = ProtocolSettings(
        folds=config.protocol_folds,
        seed=config.seed,
        big_outlet_min_articles=max(2, round(config.big_outlet_share * len(slant_df))),
    )
    roundups_file = (data_dir / ROUNDUPS_FILE) if data_dir is not None and config.same_story else None
    roundups = load_roundups(roundups_file) if roundups_file is not None and roundups_file.exists() else None
    plan = protocol.plan(frames_df, slant_df, roundups, settings)
    versions = {champion.version: champion} if champion is not None else {}
    run = protocol.run(plan, [challenger, reference], names, labels, versions)
    roles = {tables.CANDIDATE: MODEL, tables.REFERENCE_ROLE: REFERENCE}
    if champion is not None:
        roles[tables.PROMOTED] = champion.version
    table = build_table(run, roles, names, labels)
    log.info("protocol on the base corpora:\n%s", tables.render(table))
    return table


def judge_turn(
    table: tables.Table,
    champion: EvalScore | None,
    challenger: EvalScore,
    paired: PairedTest | None,
    config: RetrainConfig,
) -> Verdict:
    """The promotion rule on the protocol table plus the frozen test set: with a champion, the challenger
    must also beat it there by the margin, with the interval of the gain above zero."""
    if champion is None or paired is None:
        return verdict(table, Rule())
    promoted = table.roles.get(tables.PROMOTED, champion.version)
    table.rows.append(test_set_row(champion, challenger, table.roles[tables.CANDIDATE], promoted, paired))
    return verdict(table, Rule(must_beat=(*Rule().must_beat, test_set_requirement(config.margin))))
