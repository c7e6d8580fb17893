"""The collect flow: feeds and pages (politely, conditionally), bulk files, exact + near-duplicate
dedupe, insert. Fetching stays in this process (one politeness gate per host); extraction runs in
extractor subprocesses (default runner) or as Prefect tasks on the flow's task runner (Dask)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.imports import read_imports, store_imported_topics
from flows.outcome import RunOutcome
from flows.params import CollectParams, RunnerParams
from flows.runs import recorded_run, writer
from flows.sources.collect import CollectResult, collect
from flows.sources.dedup import dedupe_and_link
from flows.sources.extract_batch import BatchingExtractor, extract_batch
from flows.sources.neardup import MinHashConfig, NearDupIndex
from flows.sources.registry import load_sources
from warehouse import collection, load

NEAR_DUP_DAYS = 30

# No retries: a batch's failures are per-page answers already; a lost worker costs its pages this run,
# and the next run fetches them again (they are not stored).
extract_task = task(name="extract-batch", cache_policy=NO_CACHE, persist_result=False)(extract_batch)


def _collect_feeds(
    feeds: list[Any],
    known_ids: set[str],
    params: CollectParams,
    runner: RunnerParams,
    run_id: str,
    validators: dict[str, Any],
) -> CollectResult:
    fetch = params.fetch
    extractor = None
    if runner.kind == "dask":

        def submit(pages: list[tuple[str, str]]) -> Any:
            return extract_task.submit(pages, fetch.extract_timeout_s, fetch.extract_memory_mb, 1)

        extractor = BatchingExtractor(submit, runner.extract_batch, result_timeout_s=runner.task_timeout_s)
    result = collect(
        feeds,
        known_ids,
        settings=fetch,
        run_id=run_id,
        max_items_per_feed=params.max_items_per_feed,
        validators=validators,
        extractor=extractor,
    )
    if extractor is not None:
        result.bump("extract_tasks", extractor.batches)
    return result


def store_new(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, Any]],
    links: list[dict[str, Any]],
    run_id: str,
    counts: dict[str, Any],
) -> list[str]:
    """Drop exact duplicates, link near-duplicates (kept), insert what is new; returns the new ids."""
    if not rows and not links:  # a quiet run: no index to build
        counts.setdefault("near_duplicates", 0)
        counts.setdefault("paywalled", 0)
        return []
    cfg = MinHashConfig()
    stored_sigs = collection.recent_minhashes(
        con, cfg.scheme, cfg.num_perm, cfg.seed, cfg.shingle_words, days=NEAR_DUP_DAYS
    )
    outcome = dedupe_and_link(
        rows,
        collection.known_hashes(con),
        NearDupIndex.from_rows(stored_sigs, cfg),
        run_id,
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
        con,
        [lk for lk in outcome.links if lk["relation"] == "exact_duplicate" or lk["article_id"] in added_ids],
    )
    counts["paywalled"] = sum(1 for r in stored if r.get("paywalled"))
    return added


@flow(name="collect", log_prints=False, validate_parameters=True)
def collect_flow(
    db_path: str, params: CollectParams | None = None, runner: RunnerParams | None = None
) -> RunOutcome:
    """Collect the registry's feeds and the bulk files; store what is new. Returns counts and errors."""
    params = params or CollectParams()
    runner = runner or RunnerParams()
    logger = get_run_logger()
    outlets = load_sources(Path(params.sources_path)) if params.sources_path else []
    feeds = [feed for o in outlets for feed in o.feeds]
    summary = {
        "sources_path": params.sources_path,
        "import_paths": params.import_paths,
        "runner": runner.kind,
    }
    with recorded_run(db_path, "collect", summary) as run, writer(db_path) as con:
        run.counts.update(outlets=len(outlets), feeds=len(feeds))
        load.upsert_outlets(con, [o.row() for o in outlets])
        load.upsert_feeds(con, [f.row() for f in feeds])
        known_ids = collection.article_ids(con)
        new_rows: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        if feeds:
            result = _collect_feeds(
                feeds, known_ids, params, runner, run.run_id, collection.feed_validators(con)
            )
            collection.record_feed_fetches(con, run.run_id, result.feed_status)
            run.add(result.counts, result.errors)
            new_rows.extend(result.articles)
            links = result.links
        if params.import_paths:
            imported = read_imports(con, params, run.run_id)
            run.counts.update(imported.counts())
            run.errors.extend(imported.errors)
            new_rows.extend(imported.rows)
        added = store_new(con, new_rows, links, run.run_id, run.counts)
        if params.import_paths and len(added) < len(new_rows):  # some were copies of a stored text
            for line in imported.note_copies(set(added), collection.known_hashes(con)):
                logger.info("import %s", line)
            run.counts["import_copies"] = imported.copies
        store_imported_topics(con, new_rows, added)
        run.counts["articles_new"] = len(added)
        logger.info("stored %d new articles (%d failures recorded)", len(added), len(run.errors))
    return {"run_id": run.run_id, "counts": run.counts, "errors": run.errors}
