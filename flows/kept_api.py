"""A local Prefect API server that outlives the command that started it, for the next commands to use.

Booting Prefect's server costs ~4 s of a run that does not need a lasting server (issue #21: an
analyst's import, refresh, collect in a row each paid it). With FlowSettings.api_keep_s > 0
(FRAMEWATCH_API_KEEP_S, default 600), the first flow command on a PREFECT_HOME starts the same server
as the temporary API (uvicorn, Prefect's server app, UI and background services off) in a session of its
own, and writes where it listens to PREFECT_HOME/framewatch-api.json; later commands on that home find it
there and run their flows on it at once. It stops itself `keep_s` seconds after the last command that
used it has ended (flows.kept_server), and on SIGTERM; FRAMEWATCH_API_KEEP_S=0 gives every command its
own server again, stopped with it. A server of another Prefect version or Python is not used.

Two files coordinate it, with POSIX advisory locks (released by the kernel also when a process is
killed): every command holds a shared lock on framewatch-api.lease for as long as it runs, taken before
it reads the state file, so a server never stops under a command that chose it; the server stops only
when it gets the lock exclusively (no command holds it) and has not seen a holder for `keep_s`, and
removes the state file before it lets go. framewatch-api.lock serialises choosing or starting a server,
so two commands started together share one. Imports nothing of Prefect."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from flows import prefect_db
from flows.temporary_api import TemporaryAPI, _free_port, prefect_home

try:
    import fcntl
except ImportError:  # Windows: every command has its own temporary server
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

STATE = "framewatch-api.json"  # the kept server: url, pid, prefect, python, database, keep_s
LEASE = "framewatch-api.lease"  # shared-locked by each command while it runs
LOCK = "framewatch-api.lock"  # held while a command chooses or starts the server
LOG = "framewatch-api.log"  # the kept server's own output (errors only)
SERVER_MODULE = "flows.kept_server"


def supported() -> bool:
    return fcntl is not None


def _prefect_version() -> str:
    try:
        return metadata.version("prefect")
    except metadata.PackageNotFoundError:
        return ""


def read_state(home: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((home / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _write_state(home: Path, state: dict[str, Any]) -> None:
    tmp = home / f".{STATE}.{os.getpid()}"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, home / STATE)


def forget(home: Path, pid: int) -> None:
    """Remove the state file if it still names server `pid` (a newer server's stays)."""
    state = read_state(home)
    if state is not None and state.get("pid") == pid:
        (home / STATE).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: not our server
        return False
    proc = Path(f"/proc/{pid}")
    if proc.exists():  # Linux: the pid was not reused by another program
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if not cmdline:  # a zombie (it has ended), or a server being started this instant (exec)
                return ") Z" not in (proc / "stat").read_text()
            return SERVER_MODULE.encode() in cmdline
        except OSError:
            return False
    return True


def usable(state: dict[str, Any] | None) -> bool:
    """Whether a recorded server is running and is the server this installation would start, on the
    database this command would use."""
    return (
        state is not None
        and isinstance(state.get("pid"), int)
        and state.get("prefect") == _prefect_version()
        and state.get("python") == sys.executable
        and state.get("database", "") == prefect_db.database_setting()
        and _alive(state["pid"])
    )


class KeptAPI(TemporaryAPI):
    """The kept server of this PREFECT_HOME, started here when there is none; `wait()` before the first
    flow; `stop()` leaves it running (it stops itself, see the module's note)."""

    def __init__(self, keep_s: float, db_cache: Path | None = None) -> None:
        super().__init__(db_cache)
        self.keep_s = keep_s
        self.pid = 0
        self.reused = False
        self._lease: IO[str] | None = None

    def start(self) -> None:
        home = prefect_home()
        home.mkdir(parents=True, exist_ok=True)
        self._lease = open(home / LEASE, "a")  # noqa: SIM115 - held until this process ends
        fcntl.flock(self._lease, fcntl.LOCK_SH)
        with open(home / LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = read_state(home)
            if state is not None and usable(state):
                self.url, self.pid, self.reused = str(state["url"]), int(state["pid"]), True
            else:
                self._spawn(home)
        os.environ["PREFECT_API_URL"] = self.url

    def _spawn(self, home: Path) -> None:
        self.prepare_database(home)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        flows_parent = str(Path(__file__).resolve().parents[1])  # this checkout, whatever the working folder
        python_path = os.pathsep.join(p for p in (flows_parent, os.environ.get("PYTHONPATH", "")) if p)
        with open(home / LOG, "w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", SERVER_MODULE, "--home", str(home), "--port", str(port),
                 "--keep", str(self.keep_s)],
                env={**os.environ, **self.server_env, "PYTHONPATH": python_path},
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # not the command's terminal, group or lifetime
            )  # fmt: skip
        self.pid = self.process.pid
        state = {"url": self.url, "pid": self.pid, "prefect": _prefect_version(), "python": sys.executable}
        _write_state(home, {**state, "database": prefect_db.database_setting(), "keep_s": self.keep_s})
        log.info("started a Prefect API server kept %.0f s after the last command: %s", self.keep_s, self.url)

    def exit_code(self) -> int | None:
        if self.process is not None:
            return self.process.poll()
        return None if _alive(self.pid) else -1

    def stop(self) -> None:
        """Nothing to stop: the server outlives this command (the lease ends with the process)."""


def started_note(api: object) -> str | None:
    """What to tell the person when this command started a kept server (once, not on every command)."""
    if not isinstance(api, KeptAPI) or api.reused or not api.url:
        return None
    minutes = f"{api.keep_s / 60:.0f} min" if api.keep_s >= 60 else f"{api.keep_s:.0f} s"
    return (
        f"Prefect's API ({api.url}, pid {api.pid}) stays up {minutes} after the last command, so the next "
        "ones start at once (FRAMEWATCH_API_KEEP_S=0: one server per command, stopped with it)"
    )
