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


def _exit_later(grace_s: float, signum: int) -> None:
    """End the process `grace_s` from now, whatever its threads are waiting on."""
    import os
    import threading

    timer = threading.Timer(grace_s, lambda: os._exit(128 + signum))
    timer.daemon = True
    timer.start()


def serve(deployments: list[Any], grace_s: float = STOP_GRACE_S) -> None:
    """Serve `deployments` (Prefect's `serve`, with its runner) until SIGTERM or SIGINT. Either signal stops
    the runner gracefully; if the process is still alive `grace_s` later (the runner's shutdown retrying a
    Prefect server that is gone: 65-78 s on a busy 2-core machine), it exits anyway. Prefect's runner puts
    its own SIGTERM handler in place when it starts, over any set before, so the grace is started from
    that handler (a subclass), and from a SIGINT handler set here."""
    import asyncio
    import signal

    from prefect.runner import Runner

    class _Runner(Runner):
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            _exit_later(grace_s, signal.SIGTERM)
            super().handle_sigterm(*args, **kwargs)

    def on_sigint(signum: int, _frame: object) -> None:
        _exit_later(grace_s, signum)
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGINT, on_sigint)
    runner = _Runner()
    for deployment in deployments:
        runner.add_deployment(deployment)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, SystemExit):
        pass
