"""Story grouping at warehouse scale (called by bench/bench_warehouse.py): N new articles (default 10,000)
grouped against the bench warehouse's history, the way the report flow runs after a collection.

What is synthesised, cheaply: every stored article is an already-grouped story of its own, with a thread
(history: ten million rows in stories, story_articles, story_threads and threads; grouping never reads
them); the articles of the last `event_days` + 2 days (the stories new articles may still join: ~9,000 a
day at 10 M over three years) get a title and lead naming one of 300 events a day (people, places, amounts)
and an embedding near that event's centre (the score flow stores the real one as it scores); the new
articles are two more days of the same, each of a new event or of one of the window's. Older articles have
no embedding: grouping never reads them, which is what the timing shows.

Measured (2026-12-04, 10 M rows, CPU flags avx2 avx512f avx512_bf16 amx_bf16, the 2-core machine shared
with other jobs): 10,000 new articles grouped in 198.9 s wall, 85 s CPU: read 202,489 articles of open
stories 12.2 s, their names/numbers/words 36.4 s, embeddings 7.4 s, linking 112.3 s, writing 10.9 s,
threads 15.1 s; history (10,000,000 stories) not regrouped.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import duckdb
import numpy as np
import pyarrow as pa

from classifier.transformer.embedding import DIM, MODEL_NAME
from flows.analysis.stories.grouping import update_stories
from warehouse import load
from warehouse.sqlfiles import sql

EVENTS_PER_DAY = 300
_PEOPLE = ["Alvarez", "Brennan", "Castillo", "Duarte", "Ekwueme", "Fischer", "Gallagher", "Haddad", "Ivanova"]
_PLACES = ["Lakeport", "Ashford", "Westmora", "Cedar Falls", "Dunmore", "Eastgate", "Harwick", "Brisco"]
_THINGS = ["budget", "bridge", "tariff", "hospital", "strike", "election", "storm", "court ruling"]

HISTORY_SQL = """
insert into story_articles (story_id, article_id, score, linked_to, assigned_at)
select 'st-' || article_id, article_id, null, null, now()::timestamp from articles;
insert into stories (story_id, headline, first_day, last_day, n_articles, n_outlets, method, updated_at)
select 'st-' || article_id, title, published, published, 1, 1, $method, now()::timestamp from articles;
insert into story_threads (story_id, thread_id, score, cosine, name_overlap, linked_to, assigned_at)
select 'st-' || article_id, 'th-' || article_id, null, null, null, null, now()::timestamp from articles;
insert into threads (thread_id, headline, first_day, last_day, n_stories, n_articles, n_outlets, method,
                     updated_at, subject, centroid_sum)
select 'th-' || article_id, title, published, published, 1, 1, 1, $thread_method, now()::timestamp, [], null
from articles;
"""


def _event_text(e: int, rng: np.random.Generator) -> tuple[str, str]:
    person, place, thing = _PEOPLE[e % 9], _PLACES[(e // 9) % 8], _THINGS[(e // 72) % 8]
    amount = 100 + (e * 37) % 900
    title = f"{person} of {place} {e} faces {thing} vote over ${amount} million plan"
    lead = (
        f"Officials in {place} {e} said on Tuesday that {person} would put the {thing} plan to a vote. "
        f"The plan costs ${amount} million and affects {1000 + e % 5000} residents. "
        f"Critics in {place} {e} called it rushed; {person} said the {thing} could not wait."
    )
    if rng.random() < 0.5:  # another outlet's wording of the same event
        title = f"{place} {e} {thing}: {person} pushes ${amount} million plan to a vote"
    return title, lead


def _vectors(events: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    centres = np.random.default_rng(7).standard_normal((int(events.max()) + 1, DIM)).astype(np.float32)
    v = centres[events] + 0.9 * rng.standard_normal((len(events), DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def run(con: duckdb.DuckDBPyConnection, n_new: int, start_id: int, rng: np.random.Generator) -> None:
    from flows.analysis.stories.link import LinkModel
    from flows.analysis.stories.threads import ThreadParams

    model, threads = LinkModel.load(), ThreadParams()
    n_hist = con.execute("select count(*) from stories").fetchone()[0]
    if n_hist:  # synthesised by an earlier run that stopped before grouping: time the grouping again
        _time_grouping(con, n_hist)
        return
    t0 = time.perf_counter()
    params = {"method": model.describe(), "thread_method": threads.describe()}
    for statement in HISTORY_SQL.split(";"):
        if statement.strip():
            con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    n_hist = con.execute("select count(*) from stories").fetchone()[0]
    print(f"stories: history of {n_hist:,} grouped articles written in {time.perf_counter() - t0:.1f} s")
    last = con.execute("select max(published) from articles").fetchone()[0]
    since = last - timedelta(days=model.event_days + 2)
    window = con.execute(
        "select article_id, published from articles where published >= ? order by published, article_id",
        [since],
    ).fetchall()
    days = np.array([(d - since).days for _, d in window])
    events = days * EVENTS_PER_DAY + rng.integers(0, EVENTS_PER_DAY, len(window))
    texts = [_event_text(int(e), rng) for e in events]
    fresh = pa.table(
        {
            "article_id": [a for a, _ in window],
            "title": [t for t, _ in texts],
            "text": [x for _, x in texts],
        }
    )
    con.register("fresh_batch", fresh)
    con.execute(
        "update articles set title = f.title, text = f.text from fresh_batch f "
        "where articles.article_id = f.article_id"
    )
    con.unregister("fresh_batch")
    _store_embeddings(con, [a for a, _ in window], _vectors(events, rng))
    # the new articles: the next two days, half of them about events of the window's last days
    new_days = rng.integers(1, 3, n_new)
    recent = (days.max() - rng.integers(0, 3, n_new)) * EVENTS_PER_DAY + rng.integers(
        0, EVENTS_PER_DAY, n_new
    )
    fresh_events = (days.max() + new_days) * EVENTS_PER_DAY + rng.integers(0, EVENTS_PER_DAY, n_new)
    new_events = np.where(rng.random(n_new) < 0.5, recent, fresh_events)
    ids = [f"n{start_id + i:011d}" for i in range(n_new)]
    new_texts = [_event_text(int(e), rng) for e in new_events]
    new = pa.table(
        {
            "article_id": ids,
            "outlet_id": [f"o{int(o):04d}" for o in rng.integers(0, 500, n_new)],
            "url": [f"https://bench.example/{i}" for i in ids],
            "canonical_url": pa.nulls(n_new, pa.string()),
            "normalized_url": [f"https://bench.example/{i}" for i in ids],
            "feed_url": pa.nulls(n_new, pa.string()),
            "title": [t for t, _ in new_texts],
            "byline": pa.nulls(n_new, pa.string()),
            "published": pa.array([last + timedelta(days=int(d)) for d in new_days], pa.date32()),
            "language": ["en"] * n_new,
            "text": [x for _, x in new_texts],
            "content_hash": ids,
            "raw_html_z": pa.nulls(n_new, pa.binary()),
            "extractor": ["bench"] * n_new,
            "extractor_version": ["0"] * n_new,
            "first_run_id": ["bench"] * n_new,
            "fetched_at": pa.array([load.now()] * n_new, pa.timestamp("us")),
        }
    )
    load.run_batch(con, sql("collection/insert_articles"), new)
    _store_embeddings(con, ids, _vectors(new_events, rng))
    con.execute("checkpoint")
    print(
        f"stories: window of {len(window):,} articles since {since} (titles, leads, embeddings), "
        f"{n_new:,} new articles on {last + timedelta(days=1)} .. {last + timedelta(days=2)}"
    )
    _time_grouping(con, n_hist)


def _time_grouping(con: duckdb.DuckDBPyConnection, n_hist: int) -> None:
    n_new = con.execute(
        "select count(*) from articles anti join story_articles using (article_id)"
    ).fetchone()[0]
    print(f"stories: grouping {n_new:,} new articles (phases as the grouping logs them)")
    logging.basicConfig(level=logging.WARNING, format="  %(message)s")
    logging.getLogger("flows.analysis.stories.grouping").setLevel(logging.INFO)
    t0 = time.perf_counter()
    counts = update_stories(con)
    seconds = time.perf_counter() - t0
    grown = con.execute(
        "select count(*) from story_articles where article_id like 'n%' and story_id not like 'st-n%'"
    ).fetchone()[0]
    print(
        f"stories: {counts['articles_assigned']:,} new articles grouped against {n_hist:,} stories in "
        f"{seconds:.1f} s ({counts['articles_assigned'] / seconds:,.0f} articles/s); {grown:,} joined a "
        f"story of the window, the rest opened {counts['stories'] - n_hist:,} stories; history not regrouped"
    )


def _store_embeddings(con: duckdb.DuckDBPyConnection, ids: list[str], vectors: np.ndarray) -> None:
    table = pa.table(
        {
            "article_id": ids,
            "model": [MODEL_NAME] * len(ids),
            "embedding": pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), DIM).cast(
                pa.list_(pa.float32())
            ),
            "created_at": pa.array([load.now()] * len(ids), pa.timestamp("us")),
        }
    )
    load.run_batch(con, sql("stories/insert_embeddings"), table)
