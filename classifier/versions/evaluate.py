"""The protocol's table for a saved version (`framewatch evaluate` without --data): the version's recipe
run through every check beside the plain reference, the version itself and the promoted model scored on
the same test rows, in one run; the promotion rule's word on the recipe."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from classifier import protocol
from classifier import table as tables
from classifier.checks import ProtocolSettings
from classifier.composite import KIND as COMPOSITE
from classifier.measures import build_table
from classifier.recipes import MODEL, build, context
from classifier.reference import NAME as REFERENCE
from classifier.registry import RegistryError, promoted_version, read_card
from classifier.scoring import Scorer
from classifier.train import evaluate_recipe
from classifier.versions.load import load_scorer
from classifier.versions.promotion import verdict


def recipe_of(card: Mapping[str, Any], version: str) -> str:
    """The recipe a version was fitted with (composite cards from before the card said: the product's)."""
    name = card.get("recipe") or (MODEL if card.get("kind") == COMPOSITE else None)
    if not name:
        raise ValueError(
            f"{version} is a {card.get('kind')} version, not fitted by a recipe of classifier.recipes: pass "
            "--recipe NAME to run a recipe through the protocol beside it, or --data FILE to score it"
        )
    return str(name)


def evaluate_version(
    names: Sequence[str],
    labels: Sequence[str],
    frames_df: pd.DataFrame,
    slant_df: pd.DataFrame,
    roundups: pd.DataFrame | None,
    settings: ProtocolSettings,
    models_dir: Path,
    ratings_file: Path | None,
    version: str | None = None,
    recipe: str | None = None,
    ratings: dict[str, float] | None = None,
    progress: bool = True,
) -> tuple[dict[str, Any], protocol.Run]:
    """The table (and the run) for `version` (default: the promoted one; with none promoted, the recipe
    and the reference alone). `recipe` overrides the version's recipe. The version sits in the table's
    "promoted" role: the rule's word says whether the recipe should replace it."""
    try:
        now: str | None = promoted_version(models_dir)
    except RegistryError:  # nothing promoted (yet): the version alone beside the recipe and the reference
        now = None
    chosen = version or now
    card = read_card(chosen, models_dir) if chosen else {}
    name = recipe or (recipe_of(card, chosen) if chosen else MODEL)
    ctx = context(names, labels, slant_df, ratings_file)
    scorer: Scorer | None = load_scorer(chosen, models_dir) if chosen else None
    run, table, detail = evaluate_recipe(
        frames_df,
        slant_df,
        build(name, ctx),
        build(REFERENCE, ctx),
        list(names),
        list(labels),
        settings,
        roundups,
        scorer,
        ratings,
        progress,
        fit_all=False,
    )
    if now is not None and now != chosen:  # the promoted model beside the version, on the same rows
        run.outputs[now] = protocol.score_version(load_scorer(now, models_dir), run.plan, names, labels)
        run.seen[now] = protocol.seen_checks(read_card(now, models_dir), run.plan)
        table = build_table(run, dict(table.roles) | {tables.PROMOTED: now}, names, labels)
    ruling = verdict(table)
    summary = (
        f"recipe {name!r} run through the protocol beside "
        + (f"{chosen} and " if chosen else "")
        + "the plain reference\n"
        + tables.render(table)
        + f"\npromotion rule on the recipe: {'promote' if ruling.promote else 'do not promote'}: "
        + ruling.reason
    )
    result = {
        "model_version": chosen,
        "recipe": name,
        "protocol": table.checks,
        "table": table.to_json(),
        "details": detail,
        "verdict": ruling.to_json(),
        "summary": summary,
    }
    return result, run
