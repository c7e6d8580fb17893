"""The report flow: story groups across outlets, shift detection, marts, the read-only snapshot for
analysts and the markdown summary artifact. Runs after every monitor run and weekly on its own."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from classifier.transformer.embedding import MODEL_NAME
from flows.analysis.shifts import detect_shifts
from flows.analysis.stories.grouping import mixed_backends, update_stories
from flows.analysis.topics import assign_topics, load_taxonomy
from flows.analysis.training_overlap import record_training_overlap
from flows.outcome import RunOutcome
from flows.params import ReportParams
from flows.report_state import report_key, snapshot_target
from flows.reporting.report import markdown_summary
from flows.runs import recorded_run, writer
from flows.settings import FlowSettings
from warehouse import state, stories_store
from warehouse.marts import refresh_marts
from warehouse.snapshot import publish_snapshot


@flow(name="report", log_prints=False, validate_parameters=True)
def report_flow(db_path: str, params: ReportParams | None = None) -> RunOutcome:
    """Group stories, flag shifts, refresh marts, publish a snapshot and the summary artifact."""
    params = params or ReportParams()
    week = date.fromisoformat(params.week) if params.week else None
    with recorded_run(db_path, "report", {"week": params.week}) as run, writer(db_path) as con:
        grouped = update_stories(con)
        run.counts["stories"] = grouped["stories"]
        run.counts["threads"] = grouped["threads"]
        backends = stories_store.embedding_backends(con, MODEL_NAME)
        run.counts["embedding_backends"] = backends
        mixed = mixed_backends(backends)
        if mixed:
            get_run_logger().warning(mixed)
        taxonomy = load_taxonomy(params.topics_file or FlowSettings().topics_file)
        run.counts["topics_assigned"] = assign_topics(con, taxonomy)
        # after every write: the shift checks read the refreshed week cells
        run.counts["marts"] = refresh_marts(con, topics_version=taxonomy.version)["mode"]
        shifts = detect_shifts(con, week)
        run.counts["shift_alerts"] = len(shifts["alerts"])
        run.counts["shift_check"] = shifts["summary"]
        overlap = record_training_overlap(con)
        if overlap is not None:
            run.counts["in_training"] = overlap["articles_in_training"] if overlap["known"] else "unknown"
        state.record_report_state(con, run.run_id, report_key(con, taxonomy.version))
        snap = publish_snapshot(con, snapshot_target(db_path, params))
        run.counts["snapshot"] = str(snap)
        create_markdown_artifact(
            markdown=markdown_summary(con),
            key="framewatch-summary",
            description=f"run {run.run_id}; snapshot {snap}",
        )
        get_run_logger().info(
            "%d stories, %d shift alerts; snapshot %s",
            run.counts["stories"],
            run.counts["shift_alerts"],
            snap,
        )
    return {"run_id": run.run_id, "counts": run.counts, "errors": run.errors, "snapshot": str(snap)}
