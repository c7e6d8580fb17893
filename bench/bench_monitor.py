"""Monitor benchmark (issue #7): N articles (default 20,000) through collect -> score -> store from a
server on 127.0.0.1, with the default runner and with the Dask runner on a local cluster, in the same run;
then a no-op `framewatch monitor` (nothing new) timed as the operator would see it, process start included.

    .venv/bin/python bench/bench_monitor.py                        # 100 feeds x 200 articles
    .venv/bin/python bench/bench_monitor.py --feeds 10 --articles 50 --workers 2

Each runner writes its own scratch DuckDB file; both score with the promoted model. Figures are
articles/second over the whole monitor flow (collect, dedupe, store, score, report), Prefect included.
On one machine the cluster competes for the same cores as the flow process: the ratio shows the cost or
gain of shipping work to workers here, not the gain of adding machines.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

NOOP_TARGET_S = 15.0
LOOPBACK_ENV = {  # politeness off for our own loopback server only (the same as the demo)
    "FRAMEWATCH_FETCH_POLITE_HOSTS_EXEMPT": '["127.0.0.1"]',
    "FRAMEWATCH_FETCH_PER_HOST_DELAY_S": "0",
    "FRAMEWATCH_FETCH_PER_HOST_CONCURRENCY": "32",
}


def write_bench_sources(base: str, feeds: int, path: Path) -> Path:
    from flows.demo import write_sources

    outlets = [
        {
            "slug": f"bench-{i}",
            "name": f"Bench outlet {i}",
            "domain": f"bench-{i}.example",
            "country": "US",  # a registry `framewatch sources validate` accepts: monitor checks it first
            "kind": "digital native",
            "feeds": [f"{base}/feed/{i}.xml"],
        }
        for i in range(feeds)
    ]
    return write_sources([], outlets, path)


def run_flow(db: Path, sources: Path, runner: Any, workers: int) -> dict[str, Any]:
    from flows.monitor import monitor_flow
    from flows.params import CollectParams
    from flows.sources.settings import FetchSettings

    fetch = FetchSettings(
        polite_hosts_exempt=["127.0.0.1"],
        per_host_delay_s=0.0,
        per_host_concurrency=32,
        total_concurrency=32,
        extract_workers=workers,
        max_retries=1,
        total_timeout_s=60,
    )
    started = time.perf_counter()
    out = monitor_flow(
        db_path=str(db), collect=CollectParams(sources_path=str(sources), fetch=fetch), runner=runner
    )
    elapsed = time.perf_counter() - started
    return {
        "elapsed_s": elapsed,
        "articles": out["counts"].get("articles_new", 0),
        "scored": out["counts"].get("scored", 0),
        "errors": len(out["errors"]),
        "counts": out["counts"],
        "stages": stage_seconds(db),
    }


def stage_seconds(db: Path) -> dict[str, float]:
    """Seconds of each part of the latest monitor run, from the runs table."""
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "select flow_name, json_extract(counts, '$.duration_s')::double from runs "
            "where flow_name in ('collect', 'score', 'report') order by started_at"
        ).fetchall()
    finally:
        con.close()
    return {name: seconds for name, seconds in rows}  # the last of each wins


def noop_run(db: Path, sources: Path, home: Path) -> tuple[float, int, str]:
    env = {**os.environ, **LOOPBACK_ENV, "FRAMEWATCH_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("framewatch")),
            "monitor",
            "--sources",
            str(sources),
            "--db",
            str(db),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return time.perf_counter() - started, proc.returncode, proc.stdout[-1500:] + proc.stderr[-1500:]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--articles", type=int, default=200, help="articles per feed")
    parser.add_argument("--workers", type=int, default=2, help="extractor processes / Dask workers")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from flows.settings import FlowSettings, configure_runtime

    tmp = Path(tempfile.mkdtemp(prefix="framewatch-bench-monitor-"))
    os.environ["FRAMEWATCH_HOME"] = str(tmp / "home")
    configure_runtime(FlowSettings(home=tmp / "home"))
    logging.getLogger("distributed").setLevel(logging.WARNING)
    from bench_collect import Site

    from flows.cluster import cluster_for
    from flows.params import RunnerParams

    n = args.feeds * args.articles
    print(
        f"{args.feeds} feeds x {args.articles} articles = {n:,} from 127.0.0.1; {os.cpu_count()} CPUs",
        flush=True,
    )
    results: dict[str, Any] = {}
    with Site(args.articles) as base:
        sources = write_bench_sources(base, args.feeds, tmp / "sources.toml")
        results["default"] = run_flow(tmp / "default.duckdb", sources, RunnerParams(), args.workers)
        print(
            f"  default runner: {results['default']['articles']:,} stored, {results['default']['scored']:,} "
            f"scored in {results['default']['elapsed_s']:.1f} s",
            flush=True,
        )
        dask = RunnerParams(kind="dask", n_workers=args.workers)
        from prefect import flow

        @flow(name="bench-dask")
        def on_local_cluster() -> dict[str, Any]:
            # the cluster is started before timing: a standing cluster is how scale-out is run
            with cluster_for(dask) as runner:
                return run_flow(tmp / "dask.duckdb", sources, runner, args.workers)

        results["dask"] = on_local_cluster()
        print(
            f"  dask runner:    {results['dask']['articles']:,} stored, {results['dask']['scored']:,} "
            f"scored in {results['dask']['elapsed_s']:.1f} s",
            flush=True,
        )
        noop_s, rc, tail = noop_run(tmp / "default.duckdb", sources, tmp / "home")
    results["noop_s"], results["noop_rc"] = noop_s, rc

    print("\ncollect -> score -> store (the collect and score flows, stories' embeddings included in score):")
    print(
        "runner    articles  collect s  score s  articles/s  vs default   | whole monitor s  "
        "articles/s  report s"
    )
    rates = {}
    for name in ("default", "dask"):
        r = results[name]
        st = r["stages"]
        rates[name] = r["articles"] / (st["collect"] + st["score"])
        r["rate_collect_score_store"] = rates[name]
        r["rate_monitor"] = r["articles"] / r["elapsed_s"]
        print(
            f"{name:8} {r['articles']:9,} {st['collect']:10.1f} {st['score']:8.1f} {rates[name]:11.1f} "
            f"{rates[name] / rates['default']:10.2f}x   | {r['elapsed_s']:15.1f} {r['rate_monitor']:11.1f} "
            f"{st['report']:9.1f}"
        )
    same = results["default"]["articles"] == results["dask"]["articles"] == n
    print(f"all {n:,} articles stored and scored by both runners: {'yes' if same else 'NO'}")
    verdict = "met" if rc == 0 and noop_s < NOOP_TARGET_S else "NOT MET"
    print(
        f"no-op `framewatch monitor` (nothing new, process start included): {noop_s:.1f} s "
        f"(target < {NOOP_TARGET_S:.0f} s: {verdict})"
    )
    if rc != 0:
        print(tail)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0 if same and verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
