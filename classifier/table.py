"""The protocol's table: for every check, its figures for every column (the candidate recipe, the plain
reference, the promoted model, ...), each with an interval over the check's units (outlets, stories,
events or articles), and the candidate's difference to the reference and to the promoted model with a
paired interval (the same resamples for both). The card stores it (`protocol_table`), `framewatch
evaluate` and `train` print it, and the promotion rule (classifier.versions.promotion) reads it.

A cell of a saved version is marked `seen` when the version trained on that check's test rows: then its
figure is optimistic and the comparison with it is not clean (the rule does not gate on it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from classifier import intervals as iv
from classifier.checks import BIG, BIG_GROUPS, CV, DEV, STORIES, TEST_SET

CANDIDATE, REFERENCE_ROLE, PROMOTED = "candidate", "reference", "promoted"
ROLES = (CANDIDATE, REFERENCE_ROLE, PROMOTED)


@dataclass
class Row:
    """One figure of one check, for every column."""

    check: str
    figure: str
    unit: str
    higher_is_better: bool
    gated: bool = True
    target: float | None = None
    n_units: int = 0
    values: dict[str, iv.Estimate] = field(default_factory=dict)
    vs: dict[str, iv.Estimate] = field(default_factory=dict)  # role -> candidate minus that role's column
    seen: dict[str, bool] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        plain = {f.name: getattr(self, f.name) for f in fields(self)}
        values = {k: v.to_json() for k, v in self.values.items()}
        return {
            **plain,
            "values": values,
            "vs": {k: v.to_json() for k, v in self.vs.items()},
            "seen": dict(self.seen),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Row:
        return cls(
            d["check"],
            d["figure"],
            d["unit"],
            bool(d["higher_is_better"]),
            bool(d.get("gated", True)),
            d.get("target"),
            int(d.get("n_units", 0)),
            {k: iv.Estimate.from_json(v) for k, v in (d.get("values") or {}).items()},
            {k: iv.Estimate.from_json(v) for k, v in (d.get("vs") or {}).items()},
            {k: bool(v) for k, v in (d.get("seen") or {}).items()},
        )


@dataclass
class Table:
    roles: dict[str, str]  # role -> column
    columns: list[str]
    rows: list[Row]
    checks: dict[str, str]  # check -> what it trains and tests on
    outlets: list[dict[str, Any]] = field(default_factory=list)  # the big outlets, one row per column
    level: float = iv.LEVEL
    resamples: int = iv.RESAMPLES

    def row(self, check: str, figure: str) -> Row | None:
        return next((r for r in self.rows if r.check == check and r.figure == figure), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "roles": dict(self.roles),
            "columns": list(self.columns),
            "rows": [r.to_json() for r in self.rows],
            "checks": dict(self.checks),
            "outlets": list(self.outlets),
            "level": self.level,
            "resamples": self.resamples,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Table:
        return cls(
            dict(d.get("roles") or {}),
            list(d.get("columns") or []),
            [Row.from_json(r) for r in d.get("rows") or []],
            dict(d.get("checks") or {}),
            list(d.get("outlets") or []),
            float(d.get("level", iv.LEVEL)),
            int(d.get("resamples", iv.RESAMPLES)),
        )


# -- printing ----------------------------------------------------------------------------------------------


def _cell(e: iv.Estimate | None, seen: bool = False) -> str:
    return e.text(mark="*" if seen else "") if e is not None else ""


def _signed(e: iv.Estimate | None) -> str:
    return e.text(signed=True) if e is not None else ""


CHECK_TITLES = {
    CV: "cross-validation",
    DEV: "dev outlets",
    BIG: "big outlets held out",
    BIG_GROUPS: "big outlets held out in groups",
    STORIES: "same story",
    TEST_SET: "frozen test set",
}


def render(table: Table) -> str:
    """The table as text: one line per figure, a column per model (value [interval]), the candidate's
    differences, the target; * marks a model that trained on the check's test rows."""
    cols = [c for c in table.columns if any(c in r.values for r in table.rows)]
    width = 22
    vs_roles = [r for r in (REFERENCE_ROLE, PROMOTED) if any(r in row.vs for row in table.rows)]
    head = f"{'check / figure':52}" + "".join(f" {c[:width]:>{width}}" for c in cols)
    head += "".join(f" {'candidate - ' + r:>{width}}" for r in vs_roles) + "  target"
    lines = [head]
    for row in table.rows:
        label = f"{CHECK_TITLES.get(row.check, row.check)}: {row.figure}"[:52]
        cells = "".join(f" {_cell(row.values.get(c), row.seen.get(c, False)):>{width}}" for c in cols)
        diffs = "".join(f" {_signed(row.vs.get(r)):>{width}}" for r in vs_roles)
        goal = (
            "" if row.target is None else ("<= " if not row.higher_is_better else ">= ") + f"{row.target:.2f}"
        )
        lines.append(f"{label:52}{cells}{diffs}  {goal}")
    lines.append(
        f"[lo,hi]: {table.level:.0%} interval over the check's units ({table.resamples} resamples); "
        "* trained on these test rows (not a clean comparison)"
    )
    for o in table.outlets:
        shares = "; ".join(
            f"{c[:18]} {'/'.join(f'{v:.0%}' for v in d['shares'].values())}"
            + (" FLIPPED" if d["flipped"] else "")
            for c, d in o["columns"].items()
        )
        lines.append(f"  {o['outlet']:22} {o['label']:>6} n={o['n']:<5} L/C/R: {shares}")
    return "\n".join(lines)
