"""Scale benchmark of the warehouse: N prediction rows (default 10 million), 500 outlets, 3 years.

Prints the load rate (rows/s) through DuckDB's native Arrow path
(warehouse.predictions.insert_predictions_arrow for predictions, the load path's own insert_articles SQL for
articles), topics for every article (12, skewed), the full mart refresh, an
incremental refresh after a run that adds 1,000 articles, each analyst view's latency, cold (first query on
a fresh read-only connection) and warm (median of 3 repeats), and story grouping of 10,000 new articles
against the whole history (bench/story_scale.py says what it synthesises).

    .venv/bin/python bench/bench_warehouse.py                 # 10 M rows into /tmp/fw-bench/bench.duckdb
    .venv/bin/python bench/bench_warehouse.py --rows 1000000  # quicker
    .venv/bin/python bench/bench_warehouse.py --stories-only  # only the story grouping, on the last bench db
Targets: load >= 500k rows/s; every view under 1 s warm on the 2-core machine; an incremental refresh
after 1,000 new articles in seconds; 10,000 new articles grouped into stories without reading history.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import story_scale

from labels.codebook import load_codebook
from warehouse import load, predictions
from warehouse.db import connect
from warehouse.marts import refresh_marts
from warehouse.sqlfiles import sql

SLANTS = ["left", "center", "right"]
CHUNK = 1_000_000
START = date(2024, 1, 1)
DAYS = 3 * 365

# (view, query): full = every row of the view fetched into Arrow; one outlet = what an analyst filters.
VIEW_QUERIES = [
    (
        "article_scores (one outlet, one month)",
        "select * from article_scores where outlet_id = 'o0042' and day >= date '2025-06-01' and "
        "day < date '2025-07-01'",
    ),
    ("frame_share_daily (one outlet)", "select * from frame_share_daily where outlet_id = 'o0042'"),
    ("frame_share_weekly (all)", "select * from frame_share_weekly"),
    ("frame_share_monthly (all)", "select * from frame_share_monthly"),
    (
        "frame_share by topic, one month (all)",
        "select * from frame_share where grain = 'month' and topic = 't3' and period = date '2025-06-01'",
    ),
    ("frame_lift (all, whole period)", "select * from frame_lift where grain = 'all' and topic = '*'"),
    ("frame_lift (one week)", "select * from frame_lift where grain = 'week' and period = date '2026-06-01'"),
    (
        "frame_share_change (this month vs last, all)",
        "select * from frame_share_change where grain = 'month' and period = date '2026-12-01'",
    ),
    ("slant_share (weeks, all)", "select * from slant_share where grain = 'week' and topic = '*'"),
    ("outlet_summary (all)", "select * from outlet_summary"),
    ("slant_tone_daily (all)", "select * from slant_tone_daily"),
    ("slant_tone_weekly (all)", "select * from slant_tone_weekly"),
    ("outlet_vs_baseline (one week)", "select * from outlet_vs_baseline where week = date '2026-06-01'"),
    ("outlet_vs_baseline (one outlet)", "select * from outlet_vs_baseline where outlet_id = 'o0042'"),
    ("outlet_vs_peers (one week)", "select * from outlet_vs_peers where week = date '2026-06-01'"),
    ("headline_vs_body_outlet (all)", "select * from headline_vs_body_outlet"),
    ("story_comparison (all)", "select * from story_comparison"),
    (
        "current_predictions (one article) [staging]",
        "select * from current_predictions where article_id = 'b00000004242'",
    ),
]


# Topics as the taxonomy would assign them: 12 topics, a few big ones (as news is), plus 'other'.
TOPICS_SQL = """
insert into article_topics
select article_id,
       case when h < 30 then 't0' when h < 50 then 't1' when h < 62 then 't2' when h < 72 then 't3'
            when h < 80 then 't4' when h < 86 then 't5' when h < 90 then 't6' when h < 93 then 't7'
            when h < 95 then 't8' when h < 97 then 't9' when h < 98 then 't10' when h < 99 then 't11'
            else 'other' end,
       'taxonomy', 'bench', 1.0, ?
from (select article_id, hash(article_id) % 100 as h from articles)
"""


def _ids(start: int, n: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(start, start + n)), pa.string()), width=11, padding="0")
    return pc.binary_join_element_wise("b", digits, "")


def articles_chunk(start: int, n: int, rng: np.random.Generator) -> pa.Table:
    outlet = rng.integers(0, 500, n)
    day = rng.integers(0, DAYS, n)
    ids = _ids(start, n)
    outlets = pc.binary_join_element_wise(
        "o", pc.utf8_lpad(pc.cast(pa.array(outlet), pa.string()), width=4, padding="0"), ""
    )
    published = pa.array(np.datetime64(START, "D") + day.astype("timedelta64[D]"), pa.date32())
    url = pc.binary_join_element_wise("https://bench.example/", ids, "")
    cols = {
        "article_id": ids,
        "outlet_id": outlets,
        "url": url,
        "canonical_url": pa.nulls(n, pa.string()),
        "normalized_url": url,
        "feed_url": pa.nulls(n, pa.string()),
        "title": pc.binary_join_element_wise("Title ", ids, ""),
        "byline": pa.nulls(n, pa.string()),
        "published": published,
        "language": pa.array(["en"] * n),
        "text": pa.array(["body"] * n),
        "content_hash": ids,
        "raw_html_z": pa.nulls(n, pa.binary()),
        "extractor": pa.array(["bench"] * n),
        "extractor_version": pa.array(["0"] * n),
        "first_run_id": pa.array(["bench"] * n),
        "fetched_at": pa.array([datetime(2027, 1, 1)] * n, pa.timestamp("us")),
    }
    return pa.table(cols)


def predictions_chunk(start: int, n: int, frames: list[str], rng: np.random.Generator) -> pa.Table:
    k = len(frames)
    probs = rng.random((n, k), dtype=np.float32) ** 3  # most frames unlikely, a few likely
    on = probs > 0.45
    on[np.arange(n), probs.argmax(1)] = True
    offsets = pa.array(np.concatenate([[0], np.cumsum(on.sum(1))]).astype(np.int32))
    frame_dict = pa.array(frames)
    frame_values = pa.DictionaryArray.from_arrays(pa.array(np.nonzero(on)[1].astype(np.int32)), frame_dict)
    slant_p = rng.dirichlet([2, 3, 2], n).astype(np.float32)
    tone = rng.uniform(-1, 1, n)
    return pa.table(
        {
            "article_id": _ids(start, n),
            "model_version": pa.array(["bench-v1"] * n),
            "scored_at": pa.array([datetime(2027, 1, 1)] * n, pa.timestamp("us")),
            "run_id": pa.array(["bench"] * n),
            "frame_probs": pa.ListArray.from_arrays(
                pa.array(np.arange(0, n * k + 1, k, dtype=np.int32)), pa.array(probs.ravel())
            ),
            "frames": pa.ListArray.from_arrays(offsets, frame_values.cast(pa.string())),
            "primary_frame": pa.DictionaryArray.from_arrays(
                pa.array(probs.argmax(1).astype(np.int32)), frame_dict
            ).cast(pa.string()),
            "slant_probs": pa.ListArray.from_arrays(
                pa.array(np.arange(0, n * 3 + 1, 3, dtype=np.int32)), pa.array(slant_p.ravel())
            ),
            "slant": pa.DictionaryArray.from_arrays(
                pa.array(slant_p.argmax(1).astype(np.int32)), pa.array(SLANTS)
            ).cast(pa.string()),
            "tone_score": pa.array(tone),
            "tone": pa.array(
                np.where(tone > 0.3, "positive", np.where(tone < -0.3, "negative", "neutral")).astype(object)
            ),
            "evidence": pa.nulls(n, pa.string()),
        }
    )


def time_query(path: Path, query: str) -> tuple[float, float, int]:
    con = connect(path, read_only=True)
    try:
        t0 = time.perf_counter()
        rows = con.sql(query).to_arrow_table().num_rows
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(3):
            t0 = time.perf_counter()
            con.sql(query).to_arrow_table()
            warm.append(time.perf_counter() - t0)
    finally:
        con.close()
    return cold, statistics.median(warm), rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000, help="prediction rows (one per article)")
    parser.add_argument("--db", type=Path, default=Path("/tmp/fw-bench/bench.duckdb"))
    parser.add_argument("--stories-new", type=int, default=10_000, help="new articles to group (0: skip)")
    parser.add_argument("--stories-only", action="store_true", help="only the story grouping, on --db as is")
    args = parser.parse_args()
    print(f"CPU flags: {cpu_flags()}")
    if args.stories_only:
        con = connect(args.db)
        story_scale.run(con, args.stories_new, args.rows + 1000, np.random.default_rng(9))
        con.close()
        return
    for p in (args.db, args.db.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    frames = load_codebook().frame_names
    rng = np.random.default_rng(5)
    con = connect(args.db)
    load.upsert_outlets(
        con,
        [{"outlet_id": f"o{i:04d}", "name": f"Outlet {i}", "lean_prior": SLANTS[i % 3]} for i in range(500)],
    )
    load.register_model(con, "bench-v1", "bench", {})
    predictions.record_label_set(con, "bench-v1", frames, SLANTS)

    art_s = pred_s = 0.0
    for start in range(0, args.rows, CHUNK):
        n = min(CHUNK, args.rows - start)
        arts = articles_chunk(start, n, rng)
        t0 = time.perf_counter()
        load.run_batch(con, sql("collection/insert_articles"), arts)
        art_s += time.perf_counter() - t0
        preds = predictions_chunk(start, n, frames, rng)
        t0 = time.perf_counter()
        predictions.insert_predictions_arrow(con, preds)
        pred_s += time.perf_counter() - t0
    t0 = time.perf_counter()
    con.execute("checkpoint")
    ckpt = time.perf_counter() - t0
    print(f"rows: {args.rows:,} predictions, {args.rows:,} articles, 500 outlets, {DAYS} days")
    print(f"load predictions (Arrow -> predictions): {args.rows / pred_s:,.0f} rows/s ({pred_s:.1f} s)")
    print(
        f"load articles (collection/insert_articles.sql, dedup anti-join): {args.rows / art_s:,.0f} rows/s "
        f"({art_s:.1f} s)"
    )
    print(
        f"checkpoint: {ckpt:.1f} s; predictions incl. checkpoint: {args.rows / (pred_s + ckpt):,.0f} rows/s"
    )

    t0 = time.perf_counter()
    con.execute(TOPICS_SQL, [datetime(2027, 1, 1)])
    print(f"topics for {args.rows:,} articles: {time.perf_counter() - t0:.1f} s")
    built = refresh_marts(con)
    print(f"full mart refresh ({built['articles']:,} articles): {built['seconds']:.1f} s")
    con.execute("checkpoint")
    # a run that adds 1,000 articles (with topics) on recent days, then the incremental refresh
    add = 1000
    arts = articles_chunk(args.rows, add, rng)
    load.run_batch(con, sql("collection/insert_articles"), arts)
    later = predictions_chunk(args.rows, add, frames, rng).set_column(
        2, "scored_at", pa.array([datetime(2027, 1, 2)] * add, pa.timestamp("us"))
    )
    predictions.insert_predictions_arrow(con, later)
    con.execute(
        TOPICS_SQL.replace(
            "from articles",
            "from articles where article_id in (select article_id from "
            "predictions where scored_at > '2027-01-01')",
        ),
        [datetime(2027, 1, 2)],
    )
    inc = refresh_marts(con)
    print(
        f"incremental mart refresh after a run adding {add:,} articles: {inc['seconds']:.2f} s "
        f"({inc['mode']}, {inc['articles_changed']:,} articles rewritten)"
    )
    con.execute("checkpoint")
    con.close()
    print(f"{'view':48s} {'rows':>10s} {'cold s':>8s} {'warm s':>8s}")
    for name, query in VIEW_QUERIES:
        cold, warm, n = time_query(args.db, query)
        flag = "" if warm < 1 else "  OVER 1 s"
        print(f"{name:48s} {n:>10,d} {cold:8.3f} {warm:8.3f}{flag}")
    if args.stories_new:
        con = connect(args.db)
        story_scale.run(con, args.stories_new, args.rows + add, np.random.default_rng(9))
        con.close()


def cpu_flags() -> str:
    """The CPU's vector extensions that matter for these figures."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    wanted = ("avx2", "avx512f", "avx512_bf16", "amx_bf16")
    return " ".join(f for f in wanted if f" {f} " in text or f" {f}\n" in text) or "none of avx2/avx512"


if __name__ == "__main__":
    main()
