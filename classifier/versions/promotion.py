"""Promotion: the one rule that decides whether a version may become the one every flow scores with, and
the act of promoting it. `framewatch train --promote`, `framewatch models promote` and the retraining
gate (flows.retrain) all call :func:`verdict` on the protocol's table (classifier.table):

1. on every gated figure of every check, the candidate is not worse than the plain reference beyond the
   interval of their difference (the paired 90% interval lies entirely on the worse side: a loss);
2. it beats the reference on article-level slant of the big-outlet checks (macro-F1, point estimate):
   big outlets held out together, and held out a group at a time with the others in training (when the
   data has enough big outlets to group);
3. it is not worse than the currently promoted model beyond the interval on any check where that
   comparison is clean (the promoted model never trained on the check's test rows; where it did, its
   figure is optimistic and the comparison is shown, not gated);
4. the rule's extra requirements: the retraining gate adds "beats the champion on the frozen test set by
   the margin, with the interval of the gain above zero".

A version that loads and scores a probe text (`probe`) is promoted by moving `PROMOTED` in one rename;
on any problem PROMOTED is left as it was."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from classifier.card import render_card
from classifier.checks import BIG, BIG_GROUPS, TEST_SET
from classifier.registry import (
    CARD_FILE,
    PROMOTED_FILE,
    README_FILE,
    RegistryError,
    load_card,
    model_dir,
    models_root,
    read_promoted,
    seal,
    verify_weights,
)
from classifier.table import CANDIDATE, PROMOTED, REFERENCE_ROLE, Row, Table
from classifier.transformer import KIND as TRANSFORMER_KIND
from classifier.transformer.card import render_transformer_card
from classifier.versions.load import probe

logger = logging.getLogger(__name__)

TABLE_KEY = "protocol_table"
DECISION_KEY = "decision"


@dataclass(frozen=True)
class Requirement:
    """The candidate must beat `role`'s column on (check, figure) by more than `margin`; with
    `interval_above_zero`, the interval of the gain must lie above zero as well. `when_measured`: a check
    the data may not allow (too few big outlets to group) is noted, not failed, when it did not run."""

    check: str
    figure: str
    role: str
    margin: float = 0.0
    interval_above_zero: bool = False
    when_measured: bool = False

    def describe(self) -> str:
        gain = f"by >= {self.margin:g}" if self.margin else ""
        real = " with the interval of the gain above 0" if self.interval_above_zero else ""
        return f"beats the {self.role} on {self.check}: {self.figure} {gain}{real}".replace("  ", " ")


BIG_OUTLET_SLANT = Requirement(BIG, "slant macro-F1", REFERENCE_ROLE)
GROUPED_BIG_OUTLET_SLANT = Requirement(BIG_GROUPS, "slant macro-F1", REFERENCE_ROLE, when_measured=True)


@dataclass(frozen=True)
class Rule:
    """The promotion rule's requirements beyond "not worse than the reference or the promoted model"."""

    must_beat: tuple[Requirement, ...] = (BIG_OUTLET_SLANT, GROUPED_BIG_OUTLET_SLANT)


@dataclass
class Verdict:
    promote: bool
    reason: str
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    compared_with: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _worse(row: Row, role: str) -> str | None:
    """Why the candidate is worse than `role` beyond the interval on `row` (None: it is not)."""
    diff = row.vs.get(role)
    if diff is None or diff.value is None or diff.lo is None or diff.hi is None:
        return None
    loss = diff.hi < 0 if row.higher_is_better else diff.lo > 0
    if not loss:
        return None
    interval = f"interval {diff.lo:+.3f} .. {diff.hi:+.3f}"
    return f"{row.check}: {row.figure} {diff.value:+.3f} vs the {role} ({interval})"


def verdict(table: Table, rule: Rule = Rule()) -> Verdict:
    """The promotion rule (module docstring) on one protocol table."""
    cand = table.roles.get(CANDIDATE)
    if not cand or not table.rows:
        return Verdict(False, "no protocol table: nothing measured the candidate")
    failures: list[str] = []
    notes: list[str] = []
    promoted = table.roles.get(PROMOTED)
    for row in table.rows:
        if not row.gated:
            continue
        worse = _worse(row, REFERENCE_ROLE)
        if worse:
            failures.append(worse)
        if promoted and PROMOTED in row.vs:
            if row.seen.get(promoted, False):
                notes.append(f"{row.check}: {row.figure}: {promoted} trained on these rows (not gated)")
            elif (worse := _worse(row, PROMOTED)) is not None:
                failures.append(worse)
    for req in rule.must_beat:
        found = table.row(req.check, req.figure)
        diff = None if found is None else found.vs.get(req.role)
        if found is None or diff is None or diff.value is None:
            if req.when_measured:
                notes.append(f"{req.describe()}: not measured (the data did not allow the check)")
            else:
                failures.append(f"{req.describe()}: not measured (the check did not run)")
            continue
        gain = diff.value if found.higher_is_better else -diff.value
        low = (
            None if diff.lo is None or diff.hi is None else (diff.lo if found.higher_is_better else -diff.hi)
        )
        if gain <= req.margin - 1e-12 or (req.margin == 0 and gain <= 0):
            failures.append(f"{req.describe()}: {gain:+.3f}")
        elif req.interval_above_zero and (low is None or low <= 0):
            failures.append(f"{req.describe()}: {gain:+.3f}, but the interval reaches {low:+.3f}")
    compared = {role: col for role, col in table.roles.items()}
    if failures:
        return Verdict(False, "; ".join(failures), failures, notes, compared)
    against = "the plain reference" + (f" and {promoted}" if promoted else "")
    return Verdict(
        True,
        f"not worse than {against} on any check; " + "; ".join(r.describe() for r in rule.must_beat),
        [],
        notes,
        compared,
    )


def table_of(card: Mapping[str, Any]) -> Table | None:
    data = card.get(TABLE_KEY)
    return Table.from_json(data) if isinstance(data, Mapping) else None


def judge(version: str, models_dir: Path | str | None = None, rule: Rule = Rule()) -> Verdict:
    """The rule on `version`'s card: its protocol table, measured beside the model that was promoted when
    it was trained. When another model is promoted now, the comparison is stale and the verdict says so."""
    root = models_root(models_dir)
    card = load_card(model_dir(version, root))
    table = table_of(card)
    if table is None:
        return Verdict(
            False, "its card has no protocol table (trained without the protocol, or before it had intervals)"
        )
    result = verdict(table, rule)
    now = read_promoted(root)
    measured = table.roles.get(PROMOTED)
    if now and now != version and now != measured:
        stale = (
            f"its card compares it with {measured or 'no promoted model'}, but {now} is promoted now: "
            f"re-run `framewatch train` (or `framewatch evaluate --model {version}`) to measure both at once"
        )
        failures = [stale, *result.failures]
        return Verdict(False, "; ".join(failures), failures, result.notes, result.compared_with)
    return result


def record(version: str, result: Verdict, models_dir: Path | str | None = None) -> None:
    """Write the verdict into the version's card (card.json and README.md, each replaced in one rename)."""
    path = model_dir(version, models_dir, verify=False)
    card = load_card(path)
    card[DECISION_KEY] = result.to_json()
    render = render_transformer_card if card.get("kind") == TRANSFORMER_KIND else render_card
    for name, text in (
        (CARD_FILE, json.dumps(card, indent=2, ensure_ascii=False) + "\n"),
        (README_FILE, render(card)),
    ):
        tmp = path / f".{name}.tmp"
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path / name)


# -- the act -------------------------------------------------------------------------------------------------


class NotEarned(RegistryError):
    """The version loads, but the rule does not let it be promoted."""


def promote(version: str, models_dir: Path | str | None = None, evidence: Verdict | None = None) -> Path:
    """Point ``PROMOTED`` at ``version`` once it has loaded and scored a probe text (a version whose card
    lacks weight hashes gets them now); returns the PROMOTED file. With `evidence` (a verdict of the
    rule), only when it says promote (NotEarned otherwise). On any problem PROMOTED is unchanged."""
    root = models_root(models_dir)
    before = read_promoted(root)
    kept = f"PROMOTED still points at {before}" if before else "nothing is promoted"
    try:
        path = model_dir(version, root)
        probe(version, root)
    except RegistryError as exc:
        raise RegistryError(f"cannot promote {version!r}: {exc} ({kept})") from exc
    if evidence is not None and not evidence.promote:
        raise NotEarned(f"{version} is not promoted: {evidence.reason} ({kept})")
    if verify_weights(load_card(path), path):
        seal(version, root)
    pointer = root / PROMOTED_FILE
    tmp = root / f".{PROMOTED_FILE}.tmp"
    tmp.write_text(version + "\n", "utf-8")
    os.replace(tmp, pointer)
    logger.info("promoted %s", version)
    return pointer


TEST_SET_FIGURE = "score: mean of frame and slant macro-F1"


def test_set_requirement(margin: float) -> Requirement:
    """The retraining gate's extra requirement: beat the champion on the frozen test set by the margin,
    with the interval of the gain above zero (the paired bootstrap says the gain is real)."""
    return Requirement(TEST_SET, TEST_SET_FIGURE, PROMOTED, margin, interval_above_zero=True)
