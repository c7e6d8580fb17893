"""The quick answer of `framewatch monitor` when there is nothing to do: the feeds (fetched conditionally,
as collection fetches them) list no article that is not stored yet, no stored article waits for the
model, no retraining turn is due, and the last report already shows the warehouse as it is. Pages that
failed in the latest collect run (a video page, a paywall, a timeout) do not count as new: the next flow
run, started by anything new, tries them again. Then no flow
(and no Prefect server) is started: the feed fetches are recorded (feed health, the validators of the
next conditional GET) and the run is recorded in `runs` as flow 'monitor' with the counts and the feed
failures the flow would record. Anything else goes through the monitor flow, which fetches the feeds again
with the validators of the previous run (this check stores none of its own in that case). Runs a killed
process left 'running' are marked 'interrupted' first and its temporary snapshot copies removed; the report
it did not finish is due, so the flow runs."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

from classifier import registry
from flows.outcome import RunOutcome
from flows.params import CollectParams, ReportParams, RetrainParams, RunnerParams, ScoreParams
from flows.report_state import report_due, snapshot_target
from flows.sources.collect import pending_items_async
from flows.sources.registry import load_sources
from warehouse import collection, labels_store, load
from warehouse.db import open_db
from warehouse.snapshot import remove_stale_copies


def settled_monitor(
    db_path: Path | str,
    collect: CollectParams,
    score: ScoreParams,
    retrain: RetrainParams,
    runner: RunnerParams,
    report: ReportParams | None = None,
) -> RunOutcome | None:
    """The recorded outcome of a monitoring run with nothing to collect, score, retrain or report, or None
    when the run needs the flow."""
    report = report or ReportParams()
    if runner.kind != "default" or collect.import_paths or not Path(db_path).exists():
        return None
    started = time.monotonic()
    outlets = load_sources(Path(collect.sources_path)) if collect.sources_path else []
    feeds = [feed for o in outlets for feed in o.feeds]
    with open_db(db_path) as con:
        load.mark_interrupted_runs(con, "")  # a run killed mid-way: marked, and its report is due below
        remove_stale_copies(snapshot_target(str(db_path), report).parent)
        try:
            version = score.model_version or registry.promoted_version()
        except registry.RegistryError:
            return None
        if load.has_unscored(con, version) or report_due(con, str(db_path), report) is not None:
            return None
        if retrain.min_new_gold > 0 and labels_store.new_gold_since_retrain(con) >= retrain.min_new_gold:
            return None
        known_ids = collection.article_ids(con)
        validators = collection.feed_validators(con)
        probed, pending = asyncio.run(
            pending_items_async(feeds, known_ids, collect.fetch, validators, collect.max_items_per_feed)
        )
        failed_before = collection.pages_failed_last(con)
        retry_later = [url for url in pending if url in failed_before]
        if len(retry_later) < len(pending):
            return None
        run_id = str(uuid.uuid4())
        summary: dict[str, Any] = {
            "sources_path": collect.sources_path,
            "import_paths": [],
            "runner": runner.kind,
        }
        load.start_run(con, run_id, "monitor", {**summary, "model_version": version, **load.run_owner()})
        load.upsert_outlets(con, [o.row() for o in outlets])
        load.upsert_feeds(con, [f.row() for f in feeds])
        collection.record_feed_fetches(con, run_id, probed.feed_status)
        counts: dict[str, Any] = {
            "outlets": len(outlets),
            "feeds": len(feeds),
            **probed.counts,
            "articles_new": 0,
            "pages_left_for_the_next_flow_run": len(retry_later),
            "near_duplicates": 0,
            "paywalled": 0,
            "scored": 0,
            "model_version": version,
            "score": "skipped: every article is scored",
            "report": "skipped: the warehouse is as the last report showed it",
            "collect": "checked the feeds without a flow: nothing new",
        }
        counts["duration_s"] = round(time.monotonic() - started, 2)
        load.finish_run(con, run_id, "completed", counts, probed.errors)
    snapshot = str(snapshot_target(str(db_path), report))
    return {"run_id": run_id, "counts": counts, "errors": probed.errors, "snapshot": snapshot}
