"""Fixed cost of a run (issue #21): what `framewatch import` of real articles costs on top of its flow's
own work, timed as an operator sees it (process start to exit):

- wall: the command, end to end; cpu: user + system seconds of it and its children (the Prefect server);
- flow: the import run's own duration (its `runs` row: collect, score, report inside);
- fixed overhead = wall - flow: process start and imports, the checks before the flow (database, model
  probe), Prefect's temporary API server, flow-module imports, and what happens after the flow (the
  outlet table, Prefect's log drain, stopping the server, interpreter exit).

Each size (default 20 and 250 articles from allsides_slant.parquet in FRAMEWATCH_DATA_DIR, each into a
fresh warehouse) also gives the intercept of wall time against articles. `--reference PATH` runs another
checkout of framewatch (e.g. the commit before a change, unpacked with `git archive`) on the same files,
alternating with this one, so both see the same load: the ratio is measured in the same run. Also timed on
their own: `python -c "import framewatch.cli"` and Prefect's own temporary server started and stopped.

    .venv/bin/python bench/bench_overhead.py                                   # this checkout
    .venv/bin/python bench/bench_overhead.py --reference /tmp/framewatch-before  # against another
    .venv/bin/python bench/bench_overhead.py --keep 0   # every command starts and stops its own server

Each version's commands share one FRAMEWATCH_HOME, as an analyst's do: with a kept Prefect API
(flows.kept_api, FRAMEWATCH_API_KEEP_S, default 600 s) the first command starts the server and the later
ones use it; the first command's figure is printed apart (a cold start), the later ones' median is the
figure an analyst running commands in a row sees. The kept server is stopped at the end.
Target: fixed overhead <= 5 s."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET_S = 5.0
SERVER_PROBE = """
import time
t0 = time.perf_counter()
from prefect.server.api.server import SubprocessASGIServer
t1 = time.perf_counter()
server = SubprocessASGIServer()
server.start()
t2 = time.perf_counter()
server.stop()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {time.perf_counter() - t2:.3f}")
"""


def write_articles(data_dir: Path, n: int, offset: int, path: Path) -> Path:
    """n real articles (shared schema rows: id, url, title, text, outlet, published), in a stable order."""
    import duckdb

    rows = (
        duckdb.connect()
        .execute(
            "select id, url, title, text, outlet, cast(published as varchar) from read_parquet(?) "
            "where published is not null order by id limit ? offset ?",
            [str(data_dir / "allsides_slant.parquet"), n, offset],
        )
        .fetchall()
    )
    cols = ["id", "url", "title", "text", "outlet", "published"]
    path.write_text(
        "".join(json.dumps(dict(zip(cols, r, strict=True))) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def timed(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    return time.perf_counter() - started, proc


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def flow_seconds(db: Path) -> tuple[str, float]:
    """The flow name and duration of the run `framewatch import` recorded (import, or monitor before
    issue #21 gave imports their own flow)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        name, counts = con.execute(
            "select flow_name, counts from runs where flow_name in ('import', 'monitor') "
            "order by started_at desc limit 1"
        ).fetchone()
    finally:
        con.close()
    return name, float(json.loads(counts)["duration_s"])


def cli_command(checkout: Path) -> list[str]:
    """The `framewatch` executable of `checkout`, as its console script runs it: its entry module
    (framewatch.entry; framewatch.cli before the entry started the API early)."""
    entry = "framewatch.entry" if (checkout / "framewatch" / "entry.py").exists() else "framewatch.cli"
    code = f"import sys; from {entry} import main; sys.argv[0] = 'framewatch'; main()"
    return [sys.executable, "-P", "-c", code]  # -P: the checkout on PYTHONPATH, not the working folder


def one_import(
    cli: list[str], env: dict[str, str], records: Path, db: Path, size: int, version: str
) -> dict[str, Any] | None:
    cpu = cpu_seconds()
    wall, proc = timed([*cli, "import", str(records), "--db", str(db)], env)
    cpu = cpu_seconds() - cpu
    if proc.returncode not in (0, 3):
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        return None
    name, flow = flow_seconds(db)
    print(
        f"{version:9} import of {size:4d} articles: wall {wall:6.1f} s, {name} flow {flow:6.1f} s, "
        f"fixed {wall - flow:5.1f} s, cpu {cpu:6.1f} s, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return {
        "version": version,
        "articles": size,
        "wall_s": round(wall, 2),
        "flow_s": flow,
        "fixed_s": round(wall - flow, 2),
        "cpu_s": round(cpu, 2),
    }


def summary(runs: list[dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "fixed_median_s": statistics.median(r["fixed_s"] for r in runs),
        "fixed_first_s": runs[0]["fixed_s"],
        "fixed_later_median_s": statistics.median(r["fixed_s"] for r in runs[1:]) if runs[1:] else None,
        "by_size": {
            s: {
                k: statistics.median(r[k] for r in runs if r["articles"] == s)
                for k in ("wall_s", "flow_s", "fixed_s", "cpu_s")
            }
            for s in sizes
        },
    }
    if len(sizes) >= 2:
        lo, hi = min(sizes), max(sizes)
        per_article = (out["by_size"][hi]["wall_s"] - out["by_size"][lo]["wall_s"]) / (hi - lo)
        out["intercept_s"] = round(out["by_size"][lo]["wall_s"] - per_article * lo, 2)
        out["per_article_s"] = round(per_article, 4)
    return out


def stop_kept_server(prefect_home: Path) -> None:
    """Stop the Prefect API server the commands kept (flows.kept_api), so it does not outlive the bench."""
    import signal

    from flows.kept_api import read_state, usable

    state = read_state(prefect_home)
    if usable(state):
        assert state is not None
        os.kill(int(state["pid"]), signal.SIGTERM)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 250])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--reference", type=Path, help="another framewatch checkout to run alternately")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--keep", type=float, default=None, help="FRAMEWATCH_API_KEEP_S for this checkout (default: its own)"
    )
    parser.add_argument(
        "--cold",
        type=int,
        default=0,
        help="also N cold first commands per version (alternately), each on a new FRAMEWATCH_HOME: a new "
        "Prefect home seeded from the database cache, no kept server",
    )
    args = parser.parse_args(argv)

    from classifier.hardware import cpu_report

    data_dir = Path(os.environ.get("FRAMEWATCH_DATA_DIR", REPO.parent / "shared" / "data"))
    tmp = Path(tempfile.mkdtemp(prefix="framewatch-bench-overhead-"))
    base_env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    base_env.pop("PREFECT_API_URL", None)
    base_env.pop("PYTHONPATH", None)
    if args.keep is not None:  # both versions: with --keep 0 each command starts and stops its own server
        base_env["FRAMEWATCH_API_KEEP_S"] = str(args.keep)
    versions = {"this": {**base_env, "FRAMEWATCH_HOME": str(tmp / "home-this")}}
    if args.reference:
        versions["reference"] = {
            **base_env,
            "FRAMEWATCH_HOME": str(tmp / "home-reference"),
            "PYTHONPATH": str(args.reference.resolve()),
        }
    clis = {"this": cli_command(REPO)}
    if args.reference:
        clis["reference"] = cli_command(args.reference.resolve())
    print(
        json.dumps({"cpu": cpu_report(), "reference": str(args.reference), "load": os.getloadavg()}),
        flush=True,
    )
    runs: list[dict[str, Any]] = []
    offset = 0
    for size in args.sizes:
        for r in range(args.repeats):
            records = write_articles(data_dir, size, offset, tmp / f"import-{size}-{r}.jsonl")
            offset += size
            for version, env in sorted(versions.items()):  # reference first, then this
                db = tmp / f"fw-{version}-{size}-{r}.duckdb"
                run = one_import(clis[version], env, records, db, size, version)
                if run is None:
                    return 1
                runs.append(run)
    for version in versions:  # the reference's kept server too (the same state file, if it keeps one)
        stop_kept_server(tmp / f"home-{version}" / "prefect")
    cold: dict[str, list[float]] = {version: [] for version in versions}
    if args.cold:
        records = write_articles(data_dir, min(args.sizes), offset, tmp / "import-cold.jsonl")
        for c in range(args.cold):
            for version, env in sorted(versions.items()):
                home = tmp / f"cold-{version}-{c}"
                db = tmp / f"fw-cold-{version}-{c}.duckdb"
                env = {**env, "FRAMEWATCH_HOME": str(home)}
                run = one_import(clis[version], env, records, db, min(args.sizes), f"{version} cold")
                stop_kept_server(home / "prefect")
                if run is None:
                    return 1
                cold[version].append(run["fixed_s"])
    figures: dict[str, Any] = {"runs": runs}
    for version in versions:
        figures[version] = summary([r for r in runs if r["version"] == version], args.sizes)
        if cold[version]:
            figures[version]["cold_fixed_s"] = cold[version]
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    cli_walls = [
        timed([sys.executable, "-c", "import framewatch.cli"], base_env)[0] for _ in range(args.repeats)
    ]
    probe_env = {
        **versions["this"],
        "PREFECT_HOME": str(tmp / "home-this" / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    server = []
    for _ in range(args.repeats):
        proc = timed([sys.executable, "-c", SERVER_PROBE], probe_env)[1]
        parts = proc.stdout.split()
        if len(parts) == 3:
            server.append([float(x) for x in parts])
        else:
            print(f"the Prefect server probe failed: {proc.stderr[-500:]}")
    figures["alone"] = {"process start + CLI imports": statistics.median(cli_walls)}
    if server:
        figures["alone"].update(
            {
                "Prefect server module import (in-process)": statistics.median(s[0] for s in server),
                "Prefect temporary server start": statistics.median(s[1] for s in server),
                "Prefect temporary server stop": statistics.median(s[2] for s in server),
            }
        )
    print(
        f"\nmedians of {args.repeats} per size (wall, flow, fixed = wall - flow, cpu of the whole command):"
    )
    for version in sorted(versions):
        f = figures[version]
        for size, m in f["by_size"].items():
            print(
                f"  {version:9} {size:4d} articles: wall {m['wall_s']:6.1f} s, flow {m['flow_s']:6.1f} s, "
                f"fixed {m['fixed_s']:5.1f} s, cpu {m['cpu_s']:6.1f} s"
            )
        line = (
            f"  {version:9} fixed overhead (median of all runs): {f['fixed_median_s']:.1f} s; first command "
            f"{f['fixed_first_s']:.1f} s, later ones (median) {f['fixed_later_median_s'] or 0:.1f} s"
        )
        if "intercept_s" in f:
            line += f"; wall = {f['intercept_s']:.1f} s + {f['per_article_s']:.3f} s x articles"
        print(line)
        if cold[version]:
            c = cold[version]
            print(
                f"  {version:9} cold first command on a new home (median of {len(c)}): fixed "
                f"{statistics.median(c):.1f} s ({min(c):.1f}-{max(c):.1f})"
            )
    if "reference" in figures:
        ratio = figures["this"]["fixed_median_s"] / max(figures["reference"]["fixed_median_s"], 1e-9)
        figures["fixed_ratio"] = round(ratio, 3)
        print(f"  fixed overhead, this / reference: {ratio:.2f}x")
    fixed = figures["this"]["fixed_median_s"]
    verdict = "met" if fixed <= TARGET_S else "NOT MET"
    print(f"target: fixed overhead <= {TARGET_S:.0f} s: {verdict} ({fixed:.1f} s)")
    print("timed on their own in this run:")
    for part, seconds in figures["alone"].items():
        print(f"  {part:44} {seconds:.2f} s")
    print(f"load average at the end: {os.getloadavg()} (2 cores: above 2, every figure waits for the CPU)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if fixed <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
