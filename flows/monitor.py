"""The monitoring flow: collect -> score -> (retrain when enough new gold labels) -> report, each a flow
of its own with typed parameters, recorded in `runs` and as an artifact. A part with nothing to do is not
started: no score run when every article is scored, no report run when the warehouse is as the last
report showed it (same data, taxonomy and week); the monitor run's counts say which were skipped and why.
This process holds DuckDB's write lock for the whole run; with the Dask runner, extraction and scoring go
to the cluster and only their results come back here to be written."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from classifier import registry
from flows.cluster import cluster_for, on_runner
from flows.collect import collect_flow
from flows.outcome import RunOutcome
from flows.params import CollectParams, ReportParams, RetrainParams, RunnerParams, ScoreParams
from flows.report import report_flow
from flows.report_state import report_due, snapshot_target
from flows.runs import RunRecord, recorded_run, writer
from flows.score import score_flow
from warehouse import labels_store, load


def _retrain_due(db_path: str, params: RetrainParams) -> int | None:
    """The number of new gold labels when a retraining turn is due, else None."""
    if params.min_new_gold <= 0:
        return None
    with writer(db_path) as con:
        n = labels_store.new_gold_since_retrain(con)
    return n if n >= params.min_new_gold else None


def _retrain(db_path: str, params: RetrainParams, run: RunRecord) -> None:
    """A retraining turn inside monitor. Its failure (too few test labels, say) is recorded in its own run
    and in monitor's failures, and the monitoring run still reports what it collected and scored."""
    from flows.retrain import retrain_flow
    from labels.retrain import RetrainError

    logger = get_run_logger()
    logger.info("%d new gold labels: starting a retraining turn", run.counts["new_gold"])
    try:
        turn = retrain_flow(db_path, rescore_days=params.rescore_days)
    except RetrainError as exc:
        logger.warning("retraining skipped: %s", exc)
        run.errors.append(
            {"stage": "retrain", "source": "retrain", "reason": "RetrainError", "detail": str(exc)}
        )
        return
    run.counts.update(retrain_promoted=turn["decision"]["promote"], rescored=turn["counts"]["rescored"])


@flow(name="monitor", log_prints=False, validate_parameters=True)
def monitor_flow(
    db_path: str,
    collect: CollectParams | None = None,
    score: ScoreParams | None = None,
    report: ReportParams | None = None,
    retrain: RetrainParams | None = None,
    runner: RunnerParams | None = None,
) -> RunOutcome:
    """One monitoring run. Returns the run's id, counts, errors and snapshot (also stored in `runs`)."""
    collect, score = collect or CollectParams(), score or ScoreParams()
    report, retrain, runner = report or ReportParams(), retrain or RetrainParams(), runner or RunnerParams()
    summary = {
        "sources_path": collect.sources_path,
        "import_paths": collect.import_paths,
        "model_version": score.model_version,
        "runner": runner.kind,
        "address": runner.address,
    }
    name = flow_run.flow_name or "monitor"  # "import" when run as import_flow
    with recorded_run(db_path, name, summary) as run, cluster_for(runner) as runner:
        for sub in (
            on_runner(collect_flow, runner)(db_path, collect, runner),
            _score_or_skip(db_path, score, runner, run),
        ):
            if sub is not None:
                run.add({k: v for k, v in sub["counts"].items() if k != "duration_s"}, sub["errors"])
        new_gold = _retrain_due(db_path, retrain)
        if new_gold is not None:
            run.counts["new_gold"] = new_gold
            _retrain(db_path, retrain, run)
        with writer(db_path) as con:
            why = report_due(con, db_path, report)
        if why is None:  # nothing new since the last report: it stands as published
            run.counts["report"] = "skipped: the warehouse is as the last report showed it"
            snapshot = str(snapshot_target(db_path, report))
        else:
            done = report_flow(db_path, report)
            run.counts.update(
                report=f"refreshed, snapshot published (was due: {why})",
                stories=done["counts"]["stories"],
                shift_alerts=done["counts"]["shift_alerts"],
            )
            snapshot = done["snapshot"]
    return {"run_id": run.run_id, "counts": run.counts, "errors": run.errors, "snapshot": snapshot}


# `framewatch import`: the same composition, recorded in `runs` and in Prefect under its own name
import_flow = monitor_flow.with_options(name="import")


def _score_or_skip(
    db_path: str, params: ScoreParams, runner: RunnerParams, run: RunRecord
) -> RunOutcome | None:
    """The score flow, unless no stored article waits for the model (then no flow run is started)."""
    version = params.model_version or registry.promoted_version()
    with writer(db_path) as con:
        waiting = load.has_unscored(con, version)
    if not waiting:
        run.counts.update(scored=0, model_version=version, score="skipped: every article is scored")
        return None
    return on_runner(score_flow, runner)(db_path, params, runner)
