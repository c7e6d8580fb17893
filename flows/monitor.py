"""The monitoring flow: collect feeds and pages, import files, dedupe (exact + near-duplicate links),
score bodies and headlines, group stories, detect shifts, record the run, publish a read-only snapshot
and a markdown summary. Tasks are thin wrappers over library code; only this process writes DuckDB."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from classifier.predict import Doc, load_scorer
from flows.sources.bulk import read_import_file
from flows.sources.collect import CollectResult, collect
from flows.sources.neardup import MinHashConfig, NearDupIndex, dedupe_and_link
from flows.sources.registry import load_sources
from flows.sources.settings import FetchSettings
from warehouse import collection, load
from warehouse.db import open_db
from warehouse.headlines import insert_headline_predictions
from warehouse.marts import refresh_marts
from warehouse.report import markdown_summary
from warehouse.shifts import detect_shifts
from warehouse.snapshot import publish_snapshot
from warehouse.stories import update_stories

SCORE_BATCH = 64
NEAR_DUP_DAYS = 30


@task(name="collect", cache_policy=NO_CACHE, persist_result=False)
def collect_task(
    feeds: list[Any],
    known_ids: set[str],
    fetch: FetchSettings,
    run_id: str,
    max_items_per_feed: int | None,
    validators: dict[str, tuple[str | None, str | None]] | None = None,
) -> CollectResult:
    return collect(
        feeds, known_ids, settings=fetch, run_id=run_id, max_items_per_feed=max_items_per_feed,
        validators=validators,
    )


@task(name="score", cache_policy=NO_CACHE, persist_result=False)
def score_task(
    scorer: Any, batch: list[tuple[str, str, str]], run_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Body predictions and headline-only predictions for one batch of (article_id, title, text)."""
    docs = [Doc(title=title or "", text=text) for _id, title, text in batch]
    scored_at = load.now()
    meta = {"model_version": scorer.version, "scored_at": scored_at, "run_id": run_id}
    bodies = [
        {**pred.to_row(), "article_id": aid, **meta}
        for (aid, _t, _x), pred in zip(batch, scorer.score(docs), strict=True)
    ]
    titled = [(aid, title) for aid, title, _x in batch if title]
    heads = scorer.score([Doc(title="", text=title) for _aid, title in titled]) if titled else []
    headlines = [
        {"article_id": aid, **meta, "frames": p.frames, "primary_frame": p.primary_frame,
         "frame_probs": p.frame_probs, "slant": p.slant, "tone_score": p.tone_score}
        for (aid, _title), p in zip(titled, heads, strict=True)
    ]
    return bodies, headlines


def _store_new(con: Any, rows: list[dict[str, Any]], links: list[dict[str, Any]], run_id: str,
               counts: dict[str, Any]) -> list[str]:
    """Drop exact duplicates, link near-duplicates (kept), insert what is new."""
    cfg = MinHashConfig()
    stored_sigs = collection.recent_minhashes(
        con, cfg.scheme, cfg.num_perm, cfg.seed, cfg.shingle_words, days=NEAR_DUP_DAYS
    )
    outcome = dedupe_and_link(
        rows, collection.known_hashes(con), NearDupIndex.from_rows(stored_sigs, cfg), run_id,
        prior_links=links,
    )
    counts["exact_duplicates"] = counts.get("exact_duplicates", 0) + outcome.exact_duplicates
    counts["near_duplicates"] = outcome.near_duplicates
    added = load.insert_articles(con, outcome.fresh)
    added_ids = set(added)
    stored = [r for r in outcome.fresh if r["article_id"] in added_ids]
    collection.record_article_collection(con, run_id, stored)
    collection.record_minhashes(con, [s for s in outcome.signatures if s["article_id"] in added_ids])
    collection.record_links(
        con, [lk for lk in outcome.links if lk["relation"] == "exact_duplicate" or lk["article_id"] in added_ids]
    )
    counts["paywalled"] = sum(1 for r in stored if r.get("paywalled"))
    return added


@flow(name="monitor", log_prints=False, validate_parameters=True)
def monitor_flow(
    db_path: str,
    sources_path: str | None = None,
    import_paths: list[str] | None = None,
    import_outlet: str | None = None,
    max_items_per_feed: int | None = None,
    model_version: str | None = None,
    fetch: FetchSettings | None = None,
    snapshot_dir: str | None = None,
) -> dict[str, Any]:
    """One monitoring run. Returns the run's id, counts and errors (also stored in `runs`)."""
    logger = get_run_logger()
    run_id = str(flow_run.id or uuid.uuid4())
    started = time.monotonic()
    outlets = load_sources(Path(sources_path)) if sources_path else []
    feeds = [feed for o in outlets for feed in o.feeds]
    counts: dict[str, Any] = {"outlets": len(outlets), "feeds": len(feeds)}
    errors: list[dict[str, Any]] = []
    params = {"sources_path": sources_path, "import_paths": import_paths, "model_version": model_version,
              **load.run_owner()}
    with open_db(db_path) as con:
        load.upsert_outlets(con, [o.row() for o in outlets])
        load.upsert_feeds(con, [{"feed_url": f.url, "outlet_id": f.outlet_id, "kind": f.kind} for f in feeds])
        interrupted = load.mark_interrupted_runs(con, run_id)  # earlier runs killed mid-way
        if interrupted:
            counts["interrupted_runs_marked"] = len(interrupted)
        load.start_run(con, run_id, "monitor", params)
        try:
            known_ids = {row[0] for row in con.execute("select article_id from articles").fetchall()}
            new_rows: list[dict[str, Any]] = []
            links: list[dict[str, Any]] = []
            if feeds:
                result = collect_task(
                    feeds, known_ids, fetch or FetchSettings(), run_id, max_items_per_feed,
                    collection.feed_validators(con),
                )
                collection.record_feed_fetches(con, run_id, result.feed_status)
                counts.update(result.counts)
                errors.extend(result.errors)
                new_rows.extend(result.articles)
                links = result.links
            for path in import_paths or []:
                rows, bad = read_import_file(Path(path), outlet_id=import_outlet, run_id=run_id)
                counts["imported_rows"] = counts.get("imported_rows", 0) + len(rows)
                errors.extend(bad)
                new_rows.extend(rows)
            added = _store_new(con, new_rows, links, run_id, counts)
            counts["articles_new"] = len(added)
            logger.info("stored %d new articles (%d errors so far)", len(added), len(errors))

            scorer = load_scorer(model_version)
            load.register_model(con, scorer.version, scorer.kind, scorer.card)
            todo = load.unscored_articles(con, scorer.version)
            scored = 0
            for i in range(0, len(todo), SCORE_BATCH):
                bodies, headlines = score_task(scorer, todo[i : i + SCORE_BATCH], run_id)
                scored += load.insert_predictions(con, bodies)
                insert_headline_predictions(con, headlines)
            counts["scored"] = scored
            counts["model_version"] = scorer.version
            counts["stories"] = update_stories(con)["stories"]
            counts["shift_alerts"] = len(detect_shifts(con))
            counts["duration_s"] = round(time.monotonic() - started, 2)
            load.finish_run(con, run_id, "completed", counts, errors)
            refresh_marts(con)
            snap_dir = Path(snapshot_dir) if snapshot_dir else Path(db_path).parent / ".framewatch" / "snapshots"
            snap = publish_snapshot(con, snap_dir)
            create_markdown_artifact(
                markdown=markdown_summary(con), key="framewatch-summary",
                description=f"run {run_id}; snapshot {snap}",
            )
        except BaseException as exc:
            counts["duration_s"] = round(time.monotonic() - started, 2)
            errors.append({"stage": "run", "source": "monitor", "reason": type(exc).__name__, "detail": str(exc)})
            load.finish_run(con, run_id, "failed", counts, errors)
            raise
    logger.info("run %s: %s", run_id, counts)
    return {"run_id": run_id, "counts": counts, "errors": errors, "snapshot": str(snap)}


@flow(name="shifts", log_prints=False, validate_parameters=True)
def shifts_flow(db_path: str, week: str | None = None, snapshot_dir: str | None = None) -> dict[str, Any]:
    """Weekly shift detection (outlet x frame / slant vs its own history) on what the monitor stored,
    then refresh the marts and the read-only snapshot. Same writer rules as monitor_flow."""
    from datetime import date

    with open_db(db_path) as con:
        alerts = detect_shifts(con, date.fromisoformat(week) if week else None)
        refresh_marts(con)
        snap_dir = Path(snapshot_dir) if snapshot_dir else Path(db_path).parent / ".framewatch" / "snapshots"
        snap = publish_snapshot(con, snap_dir)
    get_run_logger().info("%d shift alerts; snapshot %s", len(alerts), snap)
    return {"shift_alerts": len(alerts), "snapshot": str(snap)}
