"""Every schedule in one place, used both ways:

- Prefect: `framewatch serve-schedules` turns each into a deployment
  (`flow.to_deployment(name=..., cron=...)`) and serves them; cron schedules only fire with a real API
  (`prefect server start`, PREFECT_API_URL set).
- OS cron: `framewatch cron` prints the equivalent crontab lines calling the CLI.

Cron strings are evaluated in UTC by Prefect; OS cron uses the machine's time zone (see `cron_lines`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEZONE = "UTC"
REPO = Path(__file__).resolve().parents[1]
CRON_LOG = ".framewatch/cron.log"


@dataclass(frozen=True)
class Schedule:
    name: str  # deployment name
    flow: str  # "monitor" or "report": flows.<flow>:<flow>_flow
    cron: str  # 5 fields, UTC
    command: str  # the equivalent CLI command for OS cron
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        "monitor-daily",
        "monitor",
        "0 6 * * *",
        "monitor",
        "Collect, dedupe, score and store the sources registry every day at 06:00 UTC.",
    ),
    Schedule(
        "report-weekly",
        "report",
        "0 7 * * 1",
        "refresh",
        "Flag outlet x frame / slant shifts for the week just ended, refresh marts and the snapshot "
        "every Monday at 07:00 UTC (after the daily run).",
    ),
)


def schedule_parameters(schedule: Schedule, db_path: Path, sources: Path) -> dict[str, Any]:
    """The flow parameters a deployment runs with: absolute paths, so the worker's cwd does not matter."""
    params: dict[str, Any] = {"db_path": str(Path(db_path).resolve()), **schedule.parameters}
    if schedule.flow == "monitor":
        params["collect"] = {"sources_path": str(Path(sources).resolve())}
    return params


def build_deployments(db_path: Path, sources: Path) -> list[Any]:
    """One RunnerDeployment per schedule (no API call: nothing is registered until `prefect.serve`)."""
    import importlib

    return [
        getattr(importlib.import_module(f"flows.{s.flow}"), f"{s.flow}_flow").to_deployment(
            name=s.name,
            cron=s.cron,
            parameters=schedule_parameters(s, db_path, sources),
            description=s.description,
            tags=["framewatch"],
        )
        for s in SCHEDULES
    ]


def cron_lines(db_path: Path, repo: Path = REPO) -> list[str]:
    """Crontab lines for OS cron (install with `crontab -e`) for the warehouse `db_path` (written into
    each line as an absolute --db, so cron's environment does not matter). OS cron uses local time."""
    lines = [
        "# framewatch schedules; times are UTC, so the machine's cron must run in UTC (or shift the hours)"
    ]
    for s in SCHEDULES:
        lines.append(f"# {s.description}")
        lines.append(
            f"{s.cron} cd {repo} && .venv/bin/framewatch {s.command} --db {Path(db_path).resolve()} "
            f">> {CRON_LOG} 2>&1"
        )
    return lines


STOP_GRACE_S = 20.0


def stop_on_signals(grace_s: float = STOP_GRACE_S) -> None:
    """Make SIGTERM and SIGINT stop a serving process: the first signal interrupts the main thread (Prefect
    stops its runner and returns); if the process is still alive `grace_s` later (the runner stuck
    retrying a Prefect server that is gone), it exits anyway."""
    import os
    import signal
    import threading

    def handler(signum: int, _frame: object) -> None:
        timer = threading.Timer(grace_s, lambda: os._exit(128 + signum))
        timer.daemon = True
        timer.start()
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
