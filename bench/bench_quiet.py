"""Quiet runs (issue #15.6): a no-op `framewatch import` (every record already stored) and a no-op
`framewatch monitor` (the feeds on a loopback server have nothing new) timed as an operator sees them,
process start included, with where the time goes:

- process start and the CLI's imports (`python -c "import framewatch.cli"`, timed on its own);
- the quiet run itself (its `runs` row): a settled import reads the files, a settled monitor run fetches
  the feeds conditionally (flows.import_check, flows.monitor_check); neither starts a flow;
- for reference, what a run that needs a flow pays on top: Prefect's temporary API server, started and
  stopped on its own (avoided when PREFECT_API_URL points at a running server), and the first (busy)
  monitor run's collect flow.

    .venv/bin/python bench/bench_quiet.py                 # 10 feeds x 20 articles, 3 repeats
Target: each no-op <= 10 s wall on 2 cores."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_S = 10.0
from bench_overhead import SERVER_PROBE  # noqa: E402  (the same probe: Prefect's own temporary server)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - started, proc


def last_run(db: Path, flow_name: str) -> dict[str, Any]:
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        row = con.execute(
            "select counts from runs where flow_name = ? order by started_at desc limit 1", [flow_name]
        ).fetchone()
    finally:
        con.close()
    return json.loads(row[0]) if row else {}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--articles", type=int, default=20, help="articles per feed")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from bench_collect import Site
    from bench_monitor import LOOPBACK_ENV, write_bench_sources

    from classifier.hardware import cpu_report

    tmp = Path(tempfile.mkdtemp(prefix="framewatch-bench-quiet-"))
    env = {**os.environ, **LOOPBACK_ENV, "FRAMEWATCH_HOME": str(tmp / "home")}
    env.pop("PREFECT_API_URL", None)
    cli = str(Path(sys.executable).with_name("framewatch"))
    db = tmp / "fw.duckdb"
    records = tmp / "import.jsonl"
    body = " ".join(["The council voted on the transit budget after a long public hearing on fares."] * 20)
    records.write_text(
        "".join(
            json.dumps(
                {"url": f"https://example.org/quiet/{i}", "title": f"Quiet {i}", "text": f"{i}. {body}"}
            )
            + "\n"
            for i in range(50)
        ),
        encoding="utf-8",
    )
    print(json.dumps(cpu_report()), flush=True)
    figures: dict[str, Any] = {}
    with Site(args.articles) as base:
        sources = write_bench_sources(base, args.feeds, tmp / "sources.toml")
        first, proc = timed([cli, "monitor", "--sources", str(sources), "--db", str(db)], env)
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-2000:])
            return 1
        first_import, proc = timed([cli, "import", str(records), "--db", str(db)], env)
        print(
            f"setup: first monitor run {first:.1f} s ({args.feeds * args.articles} articles), first import "
            f"{first_import:.1f} s (50 records)",
            flush=True,
        )
        for name, command in (
            ("import", [cli, "import", str(records), "--db", str(db)]),
            ("monitor", [cli, "monitor", "--sources", str(sources), "--db", str(db)]),
        ):
            walls = []
            for _ in range(args.repeats):
                wall, proc = timed(command, env)
                if proc.returncode != 0:
                    print(proc.stdout[-2000:], proc.stderr[-2000:])
                    return 1
                walls.append(wall)
            run = last_run(db, "monitor" if name == "monitor" else "import")
            figures[name] = {"walls": walls, "median_s": statistics.median(walls), "run": run}
        figures["monitor"]["collect_s"] = last_run(db, "collect").get("duration_s")
        figures["import"]["settled"] = figures["import"]["run"].get("duration_s")
    cli_walls = [timed([sys.executable, "-c", "import framewatch.cli"], env)[0] for _ in range(args.repeats)]
    server = [
        [float(x) for x in timed([sys.executable, "-c", SERVER_PROBE], env)[1].stdout.split()]
        for _ in range(args.repeats)
    ]
    split = {
        "process start + CLI imports": statistics.median(cli_walls),
        "quiet import (its runs row)": figures["import"]["settled"],
        "quiet monitor (its runs row)": figures["monitor"]["run"].get("duration_s"),
        "not paid by quiet runs:": None,
        "  Prefect server module import": statistics.median(s[0] for s in server),
        "  Prefect temporary server start": statistics.median(s[1] for s in server),
        "  Prefect temporary server stop": statistics.median(s[2] for s in server),
        "  the busy first run's collect flow": figures["monitor"]["collect_s"],
    }
    figures["split"] = split
    print(f"\nno-op runs, median of {args.repeats} (wall seconds, process start included):")
    for name in ("import", "monitor"):
        f = figures[name]
        verdict = "met" if f["median_s"] <= TARGET_S else "NOT MET"
        walls = ", ".join(f"{w:.1f}" for w in f["walls"])
        print(
            f"  framewatch {name:8} {f['median_s']:5.1f} s  ({walls}; target <= {TARGET_S:.0f} s: {verdict})"
        )
    run = figures["monitor"]["run"]
    print(
        f"  monitor counts: collect {run.get('collect', 'ran')!r}, score {run.get('score', 'ran')!r}, "
        f"report {run.get('report', 'ran')!r}"
    )
    print("where the time goes (each timed on its own):")
    for part, seconds in split.items():
        print(f"  {part:36} {'' if seconds is None else f'{seconds:.2f} s'}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 0 if all(figures[n]["median_s"] <= TARGET_S for n in ("import", "monitor")) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
