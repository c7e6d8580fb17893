"""A command that runs flows without PREFECT_API_URL starts Prefect's temporary API itself (early, without
importing Prefect's server here), runs its flows on it, keeps their logs in PREFECT_HOME's database
(`prefect flow-run logs` reads them later), leaves no server process behind and exits."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from flows.temporary_api import SERVER_APP
from tests.procs import pids


def _servers_for(home: Path) -> list[int]:
    """Pids of Prefect server processes whose PREFECT_HOME is `home`."""
    return pids(SERVER_APP, f"PREFECT_HOME={home}")


def test_refresh_runs_on_its_own_temporary_api_and_keeps_the_logs(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(FRAMEWATCH_HOME=str(home), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="600")
    env["FRAMEWATCH_API_KEEP_S"] = "0"  # a server of its own, stopped with the command
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "framewatch"), "refresh", "--db", str(tmp_path / "fw.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "report run" in proc.stdout and "Traceback" not in proc.stderr
    prefect_home = home / "prefect"
    assert not _servers_for(prefect_home)  # stopped at exit
    con = sqlite3.connect(prefect_home / "prefect.db")
    try:
        runs = con.execute(
            "select r.id from flow_run r join flow f on f.id = r.flow_id where f.name = 'report'"
        ).fetchall()
        assert len(runs) == 1
        logs = con.execute("select message from log where flow_run_id = ?", runs[0]).fetchall()
        artifacts = con.execute("select key from artifact").fetchall()
    finally:
        con.close()
    # the run's log lines were kept, to the last one (sent while the command exits)
    assert any("report run" in m for (m,) in logs) and any("Finished in state" in m for (m,) in logs), logs
    assert ("framewatch-summary",) in artifacts


def test_flow_runs_on_a_temporary_api_send_no_heartbeats(monkeypatch):
    """Heartbeats serve a lasting server's detection of crashed runs; on the temporary API (it ends with
    the command) they only cost the wait for Prefect's heartbeat thread at the end of every flow and
    subflow run. A lasting server (PREFECT_API_URL) keeps Prefect's setting."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    from flows import settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 180}):  # Prefect's default
        monkeypatch.setattr(settings, "_TEMPORARY_API", False)
        with settings.flow_run_settings():
            assert get_current_settings().flows.heartbeat_frequency == 180
        monkeypatch.setattr(settings, "_TEMPORARY_API", True)
        with settings.flow_run_settings():
            assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().flows.heartbeat_frequency == 180


def test_the_server_started_at_entry_is_the_one_the_command_uses(tmp_path):
    """framewatch.entry starts the temporary API before the command line loads; the command's own
    start_temporary_api must wait on that server, not start a second one."""
    probe = (
        "import os\n"
        "import flows.local_api as t\n"
        "from flows.settings import FlowSettings, configure_runtime, start_temporary_api\n"
        "configure_runtime(FlowSettings())\n"
        "early = t.start_early()\n"
        "url = os.environ['PREFECT_API_URL']\n"
        "again = start_temporary_api()\n"
        "print(early is not None and again == early, os.environ['PREFECT_API_URL'] == url)\n"
        "t._STARTED.stop()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["FRAMEWATCH_HOME"] = str(tmp_path / "home")
    env["FRAMEWATCH_API_KEEP_S"] = "0"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True"], out.stdout + out.stderr[-2000:]
    assert not _servers_for(tmp_path / "home" / "prefect")
