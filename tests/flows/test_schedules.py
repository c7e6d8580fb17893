"""Scheduling both ways: Prefect deployments built from flows/schedules.py (no server needed to build
them), `framewatch serve-schedules` refusing without a real API, and `framewatch cron` printing valid
crontab lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.schedules import REPO, SCHEDULES, build_deployments
from framewatch.cli import app

runner = CliRunner()
CRON_FIELD = r"[0-9*/,\-]+"


def test_deployments_have_the_expected_crons_and_parameters(tmp_path):
    db, sources = tmp_path / "fw.duckdb", tmp_path / "sources.toml"
    deployments = {d.name: d for d in build_deployments(db, sources)}
    assert set(deployments) == {"monitor-daily", "report-weekly"}
    monitor, shifts = deployments["monitor-daily"], deployments["report-weekly"]
    assert [s.schedule.cron for s in monitor.schedules] == ["0 6 * * *"]  # daily 06:00 UTC
    assert [s.schedule.cron for s in shifts.schedules] == ["0 7 * * 1"]  # Mondays 07:00 UTC
    assert all(s.schedule.timezone in (None, "UTC") for d in deployments.values() for s in d.schedules)
    assert monitor.flow_name == "monitor" and shifts.flow_name == "report"
    assert monitor.parameters == {
        "db_path": str(db.resolve()),
        "collect": {"sources_path": str(sources.resolve())},
    }
    assert shifts.parameters == {"db_path": str(db.resolve())}
    assert monitor.entrypoint.endswith("flows/monitor.py:monitor_flow")
    assert shifts.entrypoint.endswith("flows/report.py:report_flow")


def test_serve_refuses_without_prefect_api_url(monkeypatch, tmp_path):
    import prefect

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("FRAMEWATCH_HOME", str(tmp_path))
    monkeypatch.setattr(
        prefect, "serve", lambda *a, **k: pytest.fail("serve must not start without a server")
    )
    result = runner.invoke(app, ["serve-schedules"])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "PREFECT_API_URL" in text and "prefect server start" in text
    assert "PREFECT_API_URL=http://127.0.0.1:4200/api" in text and "OS cron" in text
    assert ".venv/bin/framewatch monitor" in text


def test_serve_with_a_server_serves_every_schedule(monkeypatch, tmp_path):
    from flows import schedules

    served = []
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.setenv("FRAMEWATCH_HOME", str(tmp_path))
    monkeypatch.setattr(schedules, "serve", lambda deployments, **k: served.extend(deployments))
    result = runner.invoke(app, ["serve-schedules", "--db", str(tmp_path / "fw.duckdb")])
    assert result.exit_code == 0, result.output
    assert [d.name for d in served] == [s.name for s in SCHEDULES]


def test_cron_prints_valid_crontab_lines(tmp_path, monkeypatch):
    env_db = tmp_path / "from-env.duckdb"
    monkeypatch.setenv("FRAMEWATCH_DB_PATH", str(env_db))
    result = runner.invoke(app, ["cron"])
    assert result.exit_code == 0, result.output
    assert result.output.count(f"--db {env_db}") == len(SCHEDULES)  # the environment's warehouse
    given = runner.invoke(app, ["cron", "--db", str(tmp_path / "given.duckdb")])
    assert given.output.count(f"--db {tmp_path / 'given.duckdb'}") == len(SCHEDULES)  # --db wins
    lines = [ln for ln in result.output.splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) == len(SCHEDULES)
    for line in lines:
        fields = line.split(None, 5)
        assert len(fields) == 6 and all(re.fullmatch(CRON_FIELD, f) for f in fields[:5]), line
    assert any(" .venv/bin/framewatch refresh --db " in ln for ln in lines)  # the weekly report flow
    monitor = next(ln for ln in lines if " monitor " in ln)
    assert monitor.startswith("0 6 * * * ")
    assert monitor.endswith(
        f"cd {REPO} && .venv/bin/framewatch monitor --db {env_db} >> .framewatch/cron.log 2>&1"
    )
    assert Path(REPO, ".venv/bin/framewatch").exists()
