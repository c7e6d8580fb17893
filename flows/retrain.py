"""The retraining flow: train a challenger on gold labels (+ a sample of the base corpora), compare it with
the champion on the frozen test set (paired bootstrap) and on the evaluation protocol, promote it only
when the promotion rule (classifier.versions.promotion) says so, then re-score recent articles
(append-only: older predictions keep their model_version). Tasks are thin wrappers over labels.retrain
and flows.retrain_check; the warehouse is opened only to read gold labels and to write predictions, never
while training, so a monitoring run is not blocked for long."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from classifier import registry
from classifier.frames import CalibratedFrames
from classifier.recipes import Recipe
from classifier.scoring import Doc, Prediction
from classifier.settings import ClassifierSettings
from classifier.slant import CueStrippedSlant
from classifier.table import Table
from classifier.train import train_model
from classifier.versions import promotion
from classifier.versions.load import load_scorer
from flows.outcome import RunOutcome
from flows.retrain_check import judge_turn, protocol_table
from flows.runs import recorded_run, writer
from flows.score import score_and_store
from labels.codebook import load_codebook
from labels.retrain import (
    GOLD_FILE,
    Decision,
    EvalScore,
    PairedTest,
    RetrainConfig,
    evaluate,
    missing_requirements,
    not_comparable,
    paired_bootstrap,
    raise_if_missing,
    training_files,
)
from warehouse import labels_store, load
from warehouse.marts import refresh_marts


def model_template(config: RetrainConfig) -> Recipe | None:
    """The unfitted recipe to train (None: the product's; fewer inner folds and looser vocabulary filters
    for quick loops and tests)."""
    if not config.small_model:
        return None
    return Recipe(
        "model",
        CalibratedFrames(inner_folds=3, random_state=config.seed),
        CueStrippedSlant(min_outlets=2, max_outlet_share=1.0, max_df=1.0, cap=50.0, boilerplate_min_docs=0),
    )


@task(name="read-gold", cache_policy=NO_CACHE, persist_result=False)
def read_gold_task(db_path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[str]]:
    with writer(db_path) as con:
        test_ids = {r["article_id"] for r in labels_store.test_set(con)}
        return labels_store.gold(con, "train"), labels_store.gold(con, "test"), test_ids


@task(name="train-challenger", cache_policy=NO_CACHE, persist_result=False)
def train_task(
    frame_files: list[Path], slant_files: list[Path], models_dir: Path, config: RetrainConfig
) -> str:
    return train_model(
        frame_files,
        slant_files,
        models_dir,
        cv_folds=0,
        progress=False,
        random_state=config.seed,
        template=model_template(config),
    )


@task(name="predict-test-set", cache_policy=NO_CACHE, persist_result=False)
def predict_task(version: str, models_dir: Path, test_rows: list[dict[str, Any]]) -> list[Prediction]:
    scorer = load_scorer(version, models_dir)
    return scorer.score([Doc(title=r.get("title") or "", text=r["text"]) for r in test_rows])


@task(name="protocol", cache_policy=NO_CACHE, persist_result=False)
def protocol_task(
    frame_files: list[Path],
    slant_files: list[Path],
    config: RetrainConfig,
    champion: str | None,
    models_dir: Path,
    data_dir: Path,
) -> dict[str, Any]:
    """The protocol's table (as JSON) for the challenger's recipe, the reference and the champion."""
    gold = next((p for p in frame_files if p.name == GOLD_FILE), None)
    base_frames = [p for p in frame_files if p.name != GOLD_FILE]
    base_slant = [p for p in slant_files if p.name != GOLD_FILE]
    scorer = load_scorer(champion, models_dir) if champion else None
    table = protocol_table(base_frames, base_slant, gold, model_template(config), config, scorer, data_dir)
    return table.to_json()


@task(name="rescore", cache_policy=NO_CACHE, persist_result=False)
def rescore_task(db_path: str, version: str, models_dir: Path, since: date, run_id: str) -> int:
    scorer = load_scorer(version, models_dir)
    card = registry.read_card(version, models_dir)
    with writer(db_path) as con:
        articles = labels_store.recent_articles(con, since)
        load.register_model(con, version, str(card.get("kind", "unknown")), card)  # the warehouse's current
        stored = score_and_store(con, scorer, articles, run_id)
        refresh_marts(con)  # analysts' views follow the promoted model at once
        return stored


def _decide(
    frame_files: list[Path],
    slant_files: list[Path],
    config: RetrainConfig,
    champion: EvalScore | None,
    challenger: EvalScore,
    paired: PairedTest | None,
    models: Path,
    data: Path,
) -> Decision:
    """The promotion rule on the protocol's table and the frozen test set (flows.retrain_check)."""
    why_not = not_comparable(champion, challenger, config)
    if why_not is not None:
        return Decision(False, why_not, champion, challenger, config.margin, paired)
    data_table = protocol_task(
        frame_files, slant_files, config, champion.version if champion else None, models, data
    )
    table = Table.from_json(data_table)
    ruling = judge_turn(table, champion, challenger, paired, config)
    scores = (
        f"challenger {challenger.score:.4f} vs champion {champion.score:.4f} on the frozen test set; "
        if champion
        else "no champion: "
    )
    return Decision(
        ruling.promote,
        scores + ruling.reason,
        champion,
        challenger,
        config.margin,
        paired,
        table.to_json(),
        ruling.to_json(),
    )


def _champion(models_dir: Path) -> str | None:
    try:
        return registry.promoted_version(models_dir)
    except registry.RegistryError:
        return None


@flow(name="retrain", log_prints=False, validate_parameters=True)
def retrain_flow(
    db_path: str,
    models_dir: str | None = None,
    data_dir: str | None = None,
    work_dir: str | None = None,
    config: RetrainConfig | None = None,
    rescore_days: int = 90,
    rescore_since: date | None = None,
) -> RunOutcome:
    """One turn of the loop. Returns the decision (scores of both models), the versions and counts;
    the run is recorded in `runs` (flow_name 'retrain')."""
    logger = get_run_logger()
    config = config or RetrainConfig()
    settings = ClassifierSettings()
    models = Path(models_dir) if models_dir else settings.models_dir
    data = Path(data_dir) if data_dir else settings.data_dir
    # training files hold copies of base-corpus texts: a temporary folder (never the repository) by default
    scratch = tempfile.TemporaryDirectory(prefix="framewatch-retrain-") if not work_dir else None
    since = rescore_since or (date.today() - timedelta(days=rescore_days))
    params = {"margin": config.margin, "models_dir": str(models), "since": since.isoformat()}
    try:
        # hold=False: the database is opened only to read gold labels and to write, never while training
        with recorded_run(db_path, "retrain", params, hold=False) as run:
            work = Path(work_dir) / run.run_id if work_dir else Path(scratch.name)  # type: ignore[union-attr]
            gold_train, gold_test, test_ids = read_gold_task(db_path)
            run.counts.update(gold_train=len(gold_train), gold_test=len(gold_test), test_set=len(test_ids))
            logger.info(
                "gold labels: %d for training, %d on the frozen test set", len(gold_train), len(gold_test)
            )
            # before training: every requirement (the CLI checked them too, before Prefect started)
            raise_if_missing(missing_requirements(gold_train, gold_test, test_ids, data, config))
            frame_files, slant_files = training_files(gold_train, test_ids, data, work, config)
            champion = _champion(models)
            challenger = train_task(frame_files, slant_files, models, config)
            logger.info("champion %s, challenger %s", champion, challenger)
            book = load_codebook()
            challenger_preds = predict_task(challenger, models, gold_test)
            challenger_score = evaluate(challenger, challenger_preds, gold_test, book)
            champion_score = paired = None
            if champion:
                champion_preds = predict_task(champion, models, gold_test)
                champion_score = evaluate(champion, champion_preds, gold_test, book)
                paired = paired_bootstrap(
                    gold_test,
                    champion_preds,
                    challenger_preds,
                    book,
                    config.bootstrap,
                    config.seed,
                    config.alpha,
                )
            decision = _decide(
                frame_files, slant_files, config, champion_score, challenger_score, paired, models, data
            )
            logger.info(
                "decision: %s (%s)", "promote" if decision.promote else "keep champion", decision.reason
            )
            current = champion
            run.counts["rescored"] = 0
            if decision.promote:
                promotion.promote(challenger, models, evidence=promotion.Verdict(True, decision.reason))
                current = challenger
                run.counts["rescored"] = rescore_task(db_path, challenger, models, since, run.run_id)
            run.counts.update(
                promoted=decision.promote, champion=champion, challenger=challenger, current=current
            )
    finally:
        if scratch is not None:
            scratch.cleanup()
    return {"run_id": run.run_id, "counts": run.counts, "errors": run.errors, "decision": decision.as_dict()}
