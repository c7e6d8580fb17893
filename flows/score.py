"""The score flow: every stored article without a prediction from the chosen model (the promoted one
by default) gets one, body and headline. Scoring runs inline (default runner) or as Prefect tasks on the
flow's task runner (Dask workers load the model once per process); only this process writes DuckDB."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from classifier import registry
from classifier.scoring import Doc, Scorer
from classifier.transformer.embedding import MODEL_NAME, Embedder, embed_articles, shared_embedder
from classifier.versions.load import load_scorer
from flows.outcome import RunOutcome
from flows.params import RunnerParams, ScoreParams
from flows.retries import infrastructure_failure
from flows.runs import RunRecord, recorded_run, writer
from warehouse import load, stories_store
from warehouse.load import ArticleText
from warehouse.predictions import Scoring, store_scoring

_SCORERS: dict[str, Scorer] = {}


def scorer_for(version: str) -> Scorer:
    """The scorer for `version`, loaded once per process (the flow's, or each Dask worker's)."""
    if version not in _SCORERS:
        _SCORERS[version] = load_scorer(version)
    return _SCORERS[version]


def score_rows(
    scorer: Scorer,
    batch: list[ArticleText],
    run_id: str,
    embed: frozenset[str] = frozenset(),
    embedder: Embedder | None = None,
) -> Scoring:
    """Body predictions, headline-only predictions, and the story-grouping embeddings of the articles in
    `embed`, for one batch of (article_id, title, text): all the per-article model work of a run.
    `embedder`: the process's shared one by default (bench/bench_scoring.py passes the plain reference)."""
    need = [a for a in batch if a.article_id in embed]
    embedder = embedder or shared_embedder()
    with ThreadPoolExecutor(1) as pool:
        # the embedding's ONNX/PyTorch runs release the GIL, so it fills the core the predictions (mostly
        # single-threaded Python) leave idle: 20.8 -> 24.5 articles/s with ONNX int8 in an A/B of one run
        # (2 cores, AVX2; README "Scoring speed"; bench/bench_scoring.py measures the whole path)
        vectors = pool.submit(embed_articles, embedder, [(a.title or "", a.text) for a in need])
        bodies, headlines = _predictions(scorer, batch, run_id)
        ids = [a.article_id for a in need]
        embeddings = stories_store.embedding_rows(ids, embedder.name, vectors.result(), embedder.backend)
    return Scoring(bodies, headlines, embeddings)


def _predictions(scorer: Scorer, batch: list[ArticleText], run_id: str) -> tuple[list[dict], list[dict]]:
    docs = [Doc(title=a.title or "", text=a.text, language=a.language) for a in batch]
    meta = {"model_version": scorer.version, "scored_at": load.now(), "run_id": run_id}
    bodies = [
        {**pred.to_row(), "article_id": aid, **meta}
        for aid, pred in zip((a.article_id for a in batch), scorer.score(docs), strict=True)
    ]
    titled = [(a.article_id, a.title, a.language) for a in batch if a.title]
    heads = scorer.score([Doc(title="", text=t, language=lang) for _aid, t, lang in titled]) if titled else []
    headlines = [
        {
            "article_id": aid,
            **meta,
            "frames": p.frames,
            "primary_frame": p.primary_frame,
            "frame_probs": p.frame_probs,
            "slant": p.slant,
            "tone_score": p.tone_score,
        }
        for (aid, _title, _lang), p in zip(titled, heads, strict=True)
    ]
    return bodies, headlines


def score_and_store(
    con: duckdb.DuckDBPyConnection,
    scorer: Scorer,
    articles: list[ArticleText],
    run_id: str,
    batch_size: int = 64,
) -> int:
    """Score `articles` ((article_id, title, text)) with `scorer` and store every part of the scoring
    (body, headline, story embedding where missing), batch by batch; returns the articles stored. The
    retrain loop re-scores with it after a promotion."""
    embed = {a.article_id for a in articles} - stories_store.embedded_ids(con, MODEL_NAME)
    stored = 0
    for batch, need in _batches(articles, batch_size, embed):
        stored += store_scoring(con, score_rows(scorer, batch, run_id, need))[0]
    return stored


@task(
    name="score-batch",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=infrastructure_failure,
)
def score_task(version: str, batch: list[ArticleText], run_id: str, embed: frozenset[str]) -> Scoring:
    return score_rows(scorer_for(version), batch, run_id, embed)


def _batches(
    todo: list[ArticleText], size: int, embed: set[str]
) -> Iterator[tuple[list[ArticleText], frozenset[str]]]:
    """Batches of `todo`, each with the ids in it that still need a story embedding."""
    for i in range(0, len(todo), size):
        batch = todo[i : i + size]
        yield batch, frozenset(a.article_id for a in batch if a.article_id in embed)


def _scored(
    todo: list[ArticleText],
    scorer: Scorer,
    params: ScoreParams,
    runner: RunnerParams,
    run_id: str,
    embed: set[str],
    run: RunRecord,
) -> Iterator[Scoring]:
    """Results in article order. Dask: at most `max_in_flight` tasks queued, so memory stays bounded; a
    task with no answer within `task_timeout_s` (a stuck or lost worker) is dropped and its batch, with
    every later one, is scored here: the run ends with the same rows; its counts
    (`score_batches_here`), its failures (reason `task_timeout`, with where the task was) and the log
    say so."""
    if runner.kind != "dask":
        for batch, need in _batches(todo, params.batch_size, embed):
            yield score_rows(scorer, batch, run_id, need)
        return
    window: deque[tuple[Any, list[ArticleText], frozenset[str]]] = deque()
    pending = _batches(todo, runner.score_batch, embed)
    while True:
        while len(window) < runner.max_in_flight and (nxt := next(pending, None)):
            window.append((score_task.submit(scorer.version, nxt[0], run_id, nxt[1]), *nxt))
        if not window:
            return
        future, batch, need = window.popleft()
        try:
            yield future.result(timeout=runner.task_timeout_s)
        except TimeoutError:
            where = _give_up_on_cluster(future, [f for f, _b, _n in window], runner)
            break
    rest = [(batch, need), *((b, n) for _f, b, n in window), *pending]
    run.counts["score_batches_here"] = len(rest)
    run.errors.append(
        {
            "stage": "score",
            "source": str(runner.address),
            "reason": "task_timeout",
            "detail": f"no answer after {runner.task_timeout_s:g} s; {len(rest)} batches scored by the flow "
            f"process instead. {where}",
        }
    )
    for batch, need in rest:
        yield score_rows(scorer, batch, run_id, need)


def _give_up_on_cluster(stuck: Any, queued: list[Any], runner: RunnerParams) -> str:
    """Log what the stuck task is doing on its worker (for whoever debugs the cluster), cancel it and
    what is queued behind it; returns the task and where it is. Diagnostics never fail the run."""
    from distributed import Client

    key = getattr(stuck.wrapped_future, "key", stuck.task_run_id)
    try:
        with Client(runner.address, timeout=30) as client:
            stacks = client.call_stack(keys=[key])
    except Exception as exc:  # a diagnostic: the cluster itself may be what is lost
        where = f"the cluster did not answer ({exc!r})"
    else:
        where = (
            "; ".join(
                f"{w}: {''.join(frames).strip()}" for w, keys in stacks.items() for frames in keys.values()
            )
            or "no worker is running it (lost, or still queued)"
        )
    get_run_logger().warning(
        "scoring task %s had no answer after %g s; scoring it and the rest of this run here. Where it is: %s",
        key,
        runner.task_timeout_s,
        where,
    )
    for f in [stuck, *queued]:
        with contextlib.suppress(Exception):  # the cluster may be gone
            f.wrapped_future.cancel()
    return f"task {key}: {where}"


@flow(name="score", log_prints=False, validate_parameters=True)
def score_flow(
    db_path: str, params: ScoreParams | None = None, runner: RunnerParams | None = None
) -> RunOutcome:
    """Score what the chosen model has not scored yet. Idempotent: a second run scores nothing."""
    params = params or ScoreParams()
    runner = runner or RunnerParams()
    logger = get_run_logger()
    version = params.model_version or registry.promoted_version()
    card = registry.read_card(version)  # the model itself is loaded only when there is work
    with (
        recorded_run(db_path, "score", {"model_version": version, "runner": runner.kind}) as run,
        writer(db_path) as con,
    ):
        load.register_model(con, version, str(card.get("kind", "unknown")), card)
        todo = load.unscored_articles(con, version)
        scored = embedded = 0
        if todo:
            scorer = scorer_for(version)
            embed = {a.article_id for a in todo} - stories_store.embedded_ids(con, MODEL_NAME)
            logger.info(
                "scoring %d articles with %s (%d need story embeddings)", len(todo), version, len(embed)
            )
            step, reported = max(len(todo) // 20, 1), 0
            for scoring in _scored(todo, scorer, params, runner, run.run_id, embed, run):
                n_bodies, _n_heads, n_emb = store_scoring(con, scoring)  # each batch commits on its own
                scored += n_bodies
                embedded += n_emb
                if scored - reported >= step:  # progress in the flow's log, ~every 5%
                    reported = scored
                    logger.info("scored %d/%d", scored, len(todo))
        run.counts.update(scored=scored, story_embeddings=embedded, model_version=version)
        if runner.kind == "dask":
            run.counts["score_tasks"] = -(-len(todo) // runner.score_batch)
        logger.info("scored %d articles with %s", scored, version)
    return {"run_id": run.run_id, "counts": run.counts, "errors": run.errors}
