"""Scheduling with a real Prefect server: `prefect server start` on 127.0.0.1, `framewatch serve-schedules`
registers the cron deployments, a run of one deployment (triggered through the API, as its schedule would)
executes in the serving process, is recorded in the warehouse and its logs reach the server (the Prefect UI
shows them); when the server goes away, SIGTERM still stops `framewatch serve-schedules`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows import prefect_db
from flows.settings import FlowSettings
from warehouse.db import connect

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, procs: list[subprocess.Popen]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                pytest.fail(f"{what}: {p.args[:2]} exited with {p.returncode}:\n{p.stdout.read()[-3000:]}")
        try:
            value = predicate()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def _api(method: str, url: str, **kwargs):
    """JSON of a 2xx answer. Under load the server's SQLite store is now and then locked, and the server
    answers 503 (PrefectHQ/prefect#18934); Prefect's own client retries 5xx answers like that, so this does
    too, and fails with the last answer (status and body) if they persist."""
    for attempt in range(10):
        try:
            r = httpx.request(method, url, timeout=120, **kwargs)  # a loaded server is slow, not gone
        except httpx.TimeoutException:
            time.sleep(1 + attempt)
            continue
        if r.status_code < 500:
            break
        time.sleep(1 + attempt)
    if not r.is_success:
        pytest.fail(f"{method} {url} answered {r.status_code}: {r.text[:2000]}")
    return r.json()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    proc.stdout.close()


@pytest.mark.timeout(1800)  # generous limits below: on a busy machine each step is merely slow
def test_serve_registers_deployments_and_runs_them_on_a_real_server(tmp_path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        {
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "FRAMEWATCH_HOME": str(tmp_path / "home"),
            "HF_HUB_OFFLINE": "1",
            # the serving process asks for due runs every second instead of every 10 s, and the server
            # does not build its UI: the same path, less waiting
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
            "PREFECT_UI_ENABLED": "false",
        }
    )
    # a new home starts from the kept copy of a Prefect database when there is one, as the product's
    # servers do (flows.prefect_db): the server then skips creating it (seconds)
    prefect_db.seed(tmp_path / "prefect", FlowSettings().prefect_db_cache)
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    procs = [server]
    try:
        _wait(
            lambda: httpx.get(f"{api}/health", timeout=10).status_code == 200,
            600,
            "the Prefect server",
            procs,
        )
        db = tmp_path / "fw.duckdb"
        serve = subprocess.Popen(
            [str(BIN / "framewatch"), "serve-schedules", "--db", str(db)],
            env={**env, "PREFECT_API_URL": api},
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        procs.append(serve)

        def deployments():
            found = {d["name"]: d for d in _api("POST", f"{api}/deployments/filter", json={})}
            return found if {"monitor-daily", "report-weekly"} <= set(found) else None

        found = _wait(deployments, 600, "the served deployments", procs)
        crons = {name: [s["schedule"]["cron"] for s in d["schedules"]] for name, d in found.items()}
        assert crons == {"monitor-daily": ["0 6 * * *"], "report-weekly": ["0 7 * * 1"]}
        assert found["monitor-daily"]["parameters"]["db_path"] == str(db.resolve())

        # what the scheduler does at 07:00 on Mondays: create a run of the deployment, now
        run = _api("POST", f"{api}/deployments/{found['report-weekly']['id']}/create_flow_run", json={})

        def finished():
            state = _api("GET", f"{api}/flow_runs/{run['id']}")["state"]
            return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

        state = _wait(finished, 600, "the deployment's run", procs)
        assert state["type"] == "COMPLETED", state

        def logs():
            body = {"logs": {"flow_run_id": {"any_": [run["id"]]}}}
            found = _api("POST", f"{api}/logs/filter", json=body)
            return found if any("stories" in entry["message"] for entry in found) else None

        assert _wait(logs, 300, "the run's logs on the server", procs)  # what the UI shows

        # the server goes away; a SIGTERM must still stop the serving process
        _stop(server)
        procs.remove(server)
        os.killpg(serve.pid, signal.SIGTERM)
        deadline = time.monotonic() + 300
        while serve.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert serve.poll() is not None, "framewatch serve-schedules ignored SIGTERM once the server was gone"
    finally:
        for p in reversed(procs):
            _stop(p)
    con = connect(db, read_only=True)
    try:
        rows = con.execute("select run_id, flow_name, status from runs").fetchall()
    finally:
        con.close()
    assert (run["id"], "report", "completed") in rows  # the Prefect run id is the warehouse run id
