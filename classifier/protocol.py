"""The evaluation protocol: every recipe fitted on the same training rows of every check
(classifier.checks: outlet-grouped folds, dev outlets, big outlets held out, same-story roundups) and
scored on its test rows, every saved version (the promoted model) scored on the same test rows, in one
run. classifier.table turns the outputs into figures with intervals; classifier.versions.promotion
judges them.

Fits are shared where the training rows are the same: the fit on all slant rows scores the roundups and
is the model `framewatch train` saves. Slant features are computed once per article and run
(classifier.linecounts), each word's character n-grams (classifier.charngrams) and each text's words for the
plain reference (classifier.termcounts) once per run, not once per fit.

A saved version needs no fitting: it is scored once on every row and each check reads its rows. Where a
version was trained on a check's test rows (its card names their dataset) the comparison is not clean and
the table says so."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from classifier.charngrams import word_cache
from classifier.checks import (
    BIG,
    BIG_GROUPS,
    CV,
    DEV,
    STORIES,
    ProtocolSettings,
    big_outlet_groups,
    big_outlet_split,
    story_folds,
)
from classifier.data import texts_of
from classifier.events import EventParams, event_groups
from classifier.folds import Folds, dev_check_split, frame_folds, slant_folds, slant_groups
from classifier.linecounts import feature_cache
from classifier.recipes import Recipe
from classifier.scoring import Doc, Scorer
from classifier.termcounts import term_cache
from classifier.thresholds import decide_frames

logger = logging.getLogger(__name__)

Step = Callable[[str], None]


@dataclass
class CheckOutput:
    """One column's probabilities on one check's test rows (rows in the check's order)."""

    frame_probs: np.ndarray | None = None
    frame_decided: np.ndarray | None = None
    slant_probs: np.ndarray | None = None


Outputs = dict[str, CheckOutput]  # check -> output


@dataclass
class Plan:
    """The rows of every check, fixed before anything is fitted so that every column sees the same."""

    frames: pd.DataFrame | None
    slant: pd.DataFrame | None
    stories: pd.DataFrame | None
    settings: ProtocolSettings
    frame_folds: Folds = field(default_factory=list)
    slant_folds: Folds = field(default_factory=list)
    dev: tuple[np.ndarray, np.ndarray] | None = None
    big: tuple[np.ndarray, np.ndarray] | None = None
    big_groups: Folds = field(default_factory=list)
    events: list[Any] | None = None

    @property
    def big_grouped(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The grouped big-outlet check as one split: (no rows, every big outlet's rows in row order);
        each row is scored by the fit that left its group out."""
        if not self.big_groups:
            return None
        return np.array([], dtype=int), np.sort(np.concatenate([test for _train, test in self.big_groups]))

    @property
    def slant_fold_of(self) -> np.ndarray:
        fold = np.full(0 if self.slant is None else len(self.slant), -1)
        for i, (_train, test) in enumerate(self.slant_folds):
            fold[test] = i
        return fold

    def describe(self) -> dict[str, str]:
        s = self.settings
        out: dict[str, str] = {}
        if self.frames is not None:
            grouped = self.frames["outlet_domain"].notna().any()
            out["cv frames"] = (
                f"{s.folds}-fold cross-validation stratified by language (seed {s.seed})"
                + (", grouped by outlet" if grouped else "")
                + f", {len(self.frames)} articles; thresholds tuned on training folds only; intervals: "
                "articles resampled"
            )
        if self.slant is not None:
            out[CV] = (
                f"{s.folds}-fold StratifiedGroupKFold (groups: outlet domain, strata: label, seed {s.seed}) "
                f"on "
                f"{len(self.slant)} articles of {self.slant['outlet_domain'].nunique()} outlets (every test "
                "outlet unseen in training); outlet ranking and same-event pairs compared within a fold (one "
                "model); intervals: outlets (events) resampled"
            )
        if self.dev is not None and self.slant is not None:
            dev_outlets = self.slant.iloc[self.dev[1]]["outlet_domain"].nunique()
            out[DEV] = (
                f"trained on {len(self.dev[0])} articles of outlets outside the media split's dev outlets, "
                f"tested on the {len(self.dev[1])} dev articles of {dev_outlets} outlets"
            )
        if self.big is not None and self.slant is not None:
            outlets = self.slant.iloc[self.big[1]]["outlet_domain"].nunique()
            out[BIG] = (
                f"trained on the {len(self.big[0])} articles of outlets with < {s.big_outlet_min_articles} "
                f"articles, tested on the {len(self.big[1])} articles of the {outlets} outlets with more; "
                "intervals: outlets resampled"
            )
        if self.big_groups and self.slant is not None:
            names = [
                ", ".join(sorted(self.slant.iloc[test]["outlet_domain"].unique()))
                for _t, test in self.big_groups
            ]
            out[BIG_GROUPS] = (
                f"the same big outlets held out a group at a time ({len(names)} groups: "
                + "; ".join(names)
                + "), trained on every other row, the other groups' big outlets included; intervals: "
                "outlets resampled"
            )
        if self.stories is not None:
            out[STORIES] = (
                f"{self.stories['story_id'].nunique()} AllSides stories ({len(self.stories)} articles: title "
                "+ excerpt), each told by a left, a center and a right outlet; share of cross-side pairs in "
                "a story ordered right by P(right) - P(left); scored by the fit on all slant rows (recipes "
                "that train on stories: cross-validated by story); intervals: stories resampled"
            )
        return out


def plan(
    frames: pd.DataFrame | None,
    slant: pd.DataFrame | None,
    stories: pd.DataFrame | None,
    settings: ProtocolSettings,
) -> Plan:
    """Folds, the dev and big-outlet splits and the rebuilt same-event groups of the data."""
    p = Plan(frames, slant, stories, settings)
    if frames is not None and len(frames):
        p.frame_folds = frame_folds(frames, settings.folds, settings.seed)
    if slant is not None and len(slant):
        p.slant_folds = slant_folds(slant, settings.folds, settings.seed)
        p.dev = dev_check_split(slant)
        p.big = big_outlet_split(slant, settings.big_outlet_min_articles)
        p.big_groups = big_outlet_groups(slant, settings.big_outlet_min_articles, settings.big_outlet_groups)
        p.events = list(event_groups(slant, list(slant_groups(slant)), EventParams()))
    return p


# -- fitting recipes --------------------------------------------------------------------------------------


def _training(
    df: pd.DataFrame, rows: np.ndarray, extra: pd.DataFrame | None, test_outlets: set[str]
) -> pd.DataFrame:
    part = df.iloc[rows]
    if extra is None or extra.empty:
        return part
    if test_outlets:  # an added row of an outlet under test would leak it into training
        extra = extra[~np.isin(slant_groups(extra), list(test_outlets))]
    return pd.concat([part, extra], ignore_index=True)


def fit_frames(template: Any, df: pd.DataFrame) -> Any:
    return clone(template).fit(texts_of(df), df["frames"].tolist(), df["language"].tolist())


def fit_slant(template: Any, df: pd.DataFrame) -> Any:
    return clone(template).fit(texts_of(df), df["slant"].to_numpy(dtype=str), slant_groups(df))


def frame_thresholds(model: Any, names: Sequence[str]) -> np.ndarray:
    by_frame = model.thresholds_by_frame_
    return np.array([by_frame.get(n, 1.0) for n in names])


@dataclass
class Fitted:
    """A recipe's fits on all rows (None where not asked for): the model `framewatch train` saves."""

    frames: Any = None
    slant: Any = None


def run_recipe(
    recipe: Recipe, p: Plan, names: Sequence[str], step: Step | None = None, fit_all_frames: bool = False
) -> tuple[Outputs, Fitted]:
    """The recipe fitted on every check's training rows and scored on its test rows."""
    out: Outputs = {}
    fitted = Fitted()
    frames = p.frames
    if recipe.frames is not None and frames is not None and p.frame_folds:
        probs = np.zeros((len(frames), len(names)))
        decided = np.zeros((len(frames), len(names)), dtype=np.int8)
        texts, langs = texts_of(frames), frames["language"].tolist()
        for train, test in p.frame_folds:
            model = fit_frames(recipe.frames, _training(frames, train, recipe.extra_frames, set()))
            probs[test] = model.predict_proba([texts[i] for i in test], [langs[i] for i in test])
            decided[test] = decide_frames(probs[test], frame_thresholds(model, names))
        out[CV] = CheckOutput(frame_probs=probs, frame_decided=decided)
        if fit_all_frames:
            fitted.frames = fit_frames(
                recipe.frames, _training(frames, np.arange(len(frames)), recipe.extra_frames, set())
            )
        if step:
            step(f"{recipe.name}: frames")
    slant = p.slant
    if recipe.slant is None or slant is None or not p.slant_folds:
        return out, fitted
    extra = recipe.extra_slant
    if recipe.trains_on_stories and p.stories is not None:
        extra = p.stories if extra is None else pd.concat([extra, p.stories], ignore_index=True)
    groups = slant_groups(slant)

    def fit_score(train: np.ndarray, test: np.ndarray, on: pd.DataFrame | None = None) -> np.ndarray:
        model = fit_slant(recipe.slant, _training(slant, train, extra, set(groups[test])))
        return np.asarray(model.predict_proba(texts_of(slant.iloc[test] if on is None else on)))

    probs = np.zeros((len(slant), 3))
    for train, test in p.slant_folds:
        probs[test] = fit_score(train, test)
    cv = out.setdefault(CV, CheckOutput())
    cv.slant_probs = probs
    for check, split in ((DEV, p.dev), (BIG, p.big)):
        if split is not None:
            out[check] = CheckOutput(slant_probs=fit_score(*split))
    grouped = p.big_grouped
    if grouped is not None:
        held = np.zeros((len(slant), 3))
        for train, test in p.big_groups:
            held[test] = fit_score(train, test)
        out[BIG_GROUPS] = CheckOutput(slant_probs=held[grouped[1]])
    if step:
        step(f"{recipe.name}: slant")
    stories = p.stories
    if stories is not None and recipe.trains_on_stories:
        story_probs = np.zeros((len(stories), 3))
        base = recipe.extra_slant
        for train, test in story_folds(stories, p.settings.folds, p.settings.seed):
            added = stories.iloc[train] if base is None else pd.concat([base, stories.iloc[train]])
            model = fit_slant(recipe.slant, pd.concat([slant, added], ignore_index=True))
            story_probs[test] = model.predict_proba(texts_of(stories.iloc[test]))
        out[STORIES] = CheckOutput(slant_probs=story_probs)
    if stories is not None or fit_all_frames:
        fitted.slant = fit_slant(recipe.slant, _training(slant, np.arange(len(slant)), extra, set()))
        if stories is not None and not recipe.trains_on_stories:
            out[STORIES] = CheckOutput(slant_probs=np.asarray(fitted.slant.predict_proba(texts_of(stories))))
        if step:
            step(f"{recipe.name}: fit on all rows")
    return out, fitted


# -- scoring saved versions -------------------------------------------------------------------------------


def _docs(df: pd.DataFrame) -> list[Doc]:
    return [
        Doc(title=t or "", text=x or "", language=lang)
        for t, x, lang in zip(df["title"], df["text"], df["language"], strict=True)
    ]


def score_version(
    scorer: Scorer, p: Plan, names: Sequence[str], labels: Sequence[str], step: Step | None = None
) -> Outputs:
    """A saved version scored (as production scores) on every check's test rows."""
    out: Outputs = {}
    if p.frames is not None and p.frame_folds:
        probs = scorer.probabilities(_docs(p.frames)).in_order(names, labels)
        out[CV] = CheckOutput(frame_probs=probs.frames, frame_decided=probs.decided())
    if p.slant is not None and p.slant_folds:
        slant = scorer.probabilities(_docs(p.slant)).in_order(names, labels).slant
        out.setdefault(CV, CheckOutput()).slant_probs = slant
        for check, split in ((DEV, p.dev), (BIG, p.big), (BIG_GROUPS, p.big_grouped)):
            if split is not None:
                out[check] = CheckOutput(slant_probs=slant[split[1]])
    if p.stories is not None:
        out[STORIES] = CheckOutput(
            slant_probs=scorer.probabilities(_docs(p.stories)).in_order(names, labels).slant
        )
    if step:
        step(f"{scorer.version}: scored")
    return out


def trained_datasets(card: Mapping[str, Any]) -> set[str] | None:
    """The datasets (the `dataset` column of the shared schema) a saved version trained on, from its card;
    for cards older than that record, the files' names. None when the card says neither."""
    data = card.get("data") or {}
    names: set[str] = set()
    for task in ("frames", "slant"):
        part = data.get(task) or {}
        names.update(str(d) for d in part.get("datasets") or [])
        names.update(str(f.get("name")) for f in part.get("files") or [] if isinstance(f, dict))
    return names or None


def seen_checks(card: Mapping[str, Any], p: Plan) -> dict[str, bool]:
    """For each check: did the version train on its test rows (their dataset, or their file)? Unknown
    counts as seen: only a comparison known to be clean gates promotion."""
    trained = trained_datasets(card)

    def seen(df: pd.DataFrame | None, files: Sequence[str]) -> bool:
        if trained is None or df is None:
            return True
        datasets = {str(d) for d in df["dataset"].dropna().unique()} if "dataset" in df else set()
        return bool((datasets | set(files)) & trained) or not datasets

    slant_files = ("allsides_slant.parquet",)
    out = {CV: seen(p.slant, slant_files) or seen(p.frames, ("semeval2023_frames_train.parquet",))}
    out[DEV] = out[BIG] = out[BIG_GROUPS] = seen(p.slant, slant_files)
    out[STORIES] = seen(p.stories, ("allsides_roundups.parquet",))
    return out


@dataclass
class Run:
    """Everything one protocol run measured: the plan, each column's outputs, what each saved version saw,
    and the recipes' fits on all rows."""

    plan: Plan
    outputs: dict[str, Outputs]
    seen: dict[str, dict[str, bool]]
    fitted: dict[str, Fitted]
    kinds: dict[str, str]  # column -> "recipe" | "version"


def run(
    p: Plan,
    recipes: Sequence[Recipe],
    names: Sequence[str],
    labels: Sequence[str],
    versions: Mapping[str, Scorer] | None = None,
    step: Step | None = None,
    fit_all_frames: Sequence[str] = (),
    extra: Mapping[str, Outputs] | None = None,
) -> Run:
    """Every recipe on every check, every saved version scored on the same rows. `fit_all_frames`: recipes
    whose frames are also fitted on all rows (the model `train` saves); `extra`: outputs computed elsewhere
    on the same folds (the transformer's out-of-fold probabilities)."""
    outputs: dict[str, Outputs] = {}
    fitted: dict[str, Fitted] = {}
    kinds: dict[str, str] = {}
    seen: dict[str, dict[str, bool]] = {}
    with feature_cache(), word_cache(), term_cache():
        for recipe in recipes:
            outputs[recipe.name], fitted[recipe.name] = run_recipe(
                recipe, p, names, step, recipe.name in fit_all_frames
            )
            kinds[recipe.name] = "recipe"
            seen[recipe.name] = {}
    for column, scorer in (versions or {}).items():
        outputs[column] = score_version(scorer, p, names, labels, step)
        kinds[column] = "version"
        seen[column] = seen_checks(scorer.card, p)
    for column, out in (extra or {}).items():
        outputs[column], kinds[column], seen[column] = dict(out), "recipe", {}
    return Run(p, outputs, seen, fitted, kinds)
