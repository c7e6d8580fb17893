"""A kept Prefect API server (flows.kept_api): the next commands on the same PREFECT_HOME run their flows
on it; it never stops under a command that uses it, and stops itself once no command has used it for
FRAMEWATCH_API_KEEP_S seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flows import kept_api, prefect_db

KEEP_S = 2.0
LIMIT_S = 300.0  # generous: the machine may be busy; every wait below ends on a condition


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(FRAMEWATCH_HOME=str(home), FRAMEWATCH_API_KEEP_S=str(KEEP_S))
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = str(int(LIMIT_S))
    return env


def _state(home: Path) -> dict:
    return json.loads((home / "prefect" / kept_api.STATE).read_text())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))  # not a zombie


def _wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + LIMIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {LIMIT_S:.0f} s for {what}"
        time.sleep(0.2)


def test_commands_share_a_kept_server_which_stops_once_unused(tmp_path):
    home = tmp_path / "home"
    refresh = [str(Path(sys.executable).parent / "framewatch"), "refresh", "--db"]
    # the test holds the lease as a command does until the holder below has found the server: without it
    # the server could idle out in the gap between the two commands' end and the holder's start (KEEP_S is
    # 2 s; the holder's start took longer than that on a busy machine)
    (home / "prefect").mkdir(parents=True)
    lease = open(home / "prefect" / kept_api.LEASE, "a")  # noqa: SIM115 - released below
    kept_api.fcntl.flock(lease, kept_api.fcntl.LOCK_SH)
    # two commands started together share one server (the start lock), and each runs its flow on it
    procs = [
        subprocess.Popen([*refresh, str(tmp_path / f"fw{i}.duckdb")], env=_env(home), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for i in range(2)
    ]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=LIMIT_S)
        assert proc.returncode == 0, out[-2000:] + err[-2000:]
        assert "report run" in out and "Still processing items" not in err
    state = _state(home)
    assert _alive(state["pid"])  # it outlived both commands
    with urllib.request.urlopen(f"{state['url']}/health", timeout=30) as response:
        assert response.status == 200
    runs = json.loads(urllib.request.urlopen(  # noqa: S310 - loopback
        urllib.request.Request(f"{state['url']}/flow_runs/count", data=b"{}", method="POST",
                               headers={"Content-Type": "application/json"}), timeout=30).read())  # fmt: skip
    assert runs >= 2  # both commands' report runs are on that server

    # a command holding the lease longer than the keep time: the server stays up under it
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import os, sys\n"
         "from flows.settings import FlowSettings, configure_runtime\n"
         "from flows.local_api import start_early\n"
         "s = FlowSettings(); configure_runtime(s)\n"
         "start_early(s.prefect_db_cache, s.api_keep_s)()\n"
         "print(os.environ['PREFECT_API_URL'], flush=True)\n"
         "sys.stdin.read()\n"],
        env=_env(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == state["url"]  # it found the kept server
    lease.close()  # from here only the holder keeps the server up
    time.sleep(3 * KEEP_S)  # not a margin: the server cannot stop while a command holds the lease
    assert _alive(state["pid"]) and _state(home)["pid"] == state["pid"]
    holder.communicate("", timeout=LIMIT_S)

    # unused for KEEP_S: it stops and says so (no state file left to point a command at it)
    _wait_until(lambda: not _alive(state["pid"]), "the kept server to stop")
    assert not (home / "prefect" / kept_api.STATE).exists()


def test_a_recorded_server_is_used_only_when_it_is_this_installation_s_and_running(tmp_path):
    version = kept_api._prefect_version()
    good = {
        "url": "http://127.0.0.1:1/api",
        "pid": os.getpid(),
        "prefect": version,
        "python": sys.executable,
        "database": prefect_db.database_setting(),
    }
    # this test's own process is running but is not a kept server (Linux: its command line says so)
    assert not kept_api.usable(good)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert not kept_api.usable({**good, "pid": dead.pid})
    assert not kept_api.usable(None)
    assert not kept_api.usable({**good, "pid": "1"})
    server = subprocess.Popen(  # a process whose command line is a kept server's
        [sys.executable, "-c", "import time; time.sleep(60)", "-m", kept_api.SERVER_MODULE]
    )
    try:  # (also in the instant of its exec, when its command line reads empty)
        assert kept_api.usable({**good, "pid": server.pid})
        assert not kept_api.usable({**good, "pid": server.pid, "prefect": "0.0.1"})  # another Prefect
        assert not kept_api.usable({**good, "pid": server.pid, "python": "/elsewhere/python"})
        # another database than this command's (PREFECT_API_DATABASE_CONNECTION_URL)
        assert not kept_api.usable({**good, "pid": server.pid, "database": "sqlite+aiosqlite:///other.db"})
        server.kill()  # ended, not yet reaped (a zombie): not a server any more
        _wait_until(lambda: ") Z" in Path(f"/proc/{server.pid}/stat").read_text(), "the zombie")
        assert not kept_api.usable({**good, "pid": server.pid})
    finally:
        server.kill()
        server.wait()
    # forget() only removes the file naming that server
    (tmp_path / kept_api.STATE).write_text(json.dumps({**good, "pid": 42}))
    kept_api.forget(tmp_path, 41)
    assert (tmp_path / kept_api.STATE).exists()
    kept_api.forget(tmp_path, 42)
    assert not (tmp_path / kept_api.STATE).exists()
