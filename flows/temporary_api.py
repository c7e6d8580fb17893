"""Prefect's temporary API server for one command, started as early as the command knows it will run a flow.

Without PREFECT_API_URL, Prefect starts a temporary server the first time a flow runs: a uvicorn process
serving `prefect.server.api.server:create_app` on the database in PREFECT_HOME (UI and background services
off), stopped at exit. Booting it costs seconds of CPU, and so does importing Prefect's server modules in
the command's own process, which Prefect's `SubprocessASGIServer` does first. This module starts the same
server process without importing anything of Prefect here, at the program's entry for the commands that
always run a flow (framewatch.entry), else right after the command's checks, and points this process at
it (PREFECT_API_URL), so the boot overlaps the command's own imports and model check; the flow waits only
for what is left of it. Runs, logs and artifacts land in PREFECT_HOME's database as with Prefect's own
temporary server (`prefect server start` with the same PREFECT_HOME shows them). flows.local_api decides
when (only in a process that has not imported Prefect yet: Prefect reads its settings once) and whether
this server or a kept one (flows.kept_api, which builds on this class) serves the command."""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from flows import prefect_db

log = logging.getLogger(__name__)

# what Prefect's SubprocessASGIServer sets for its server process (prefect/server/api/server.py)
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# on a database just copied from the template of this Prefect version (flows.prefect_db), which that version
# migrated and registered its block types in: checking both again took 1.9 of the server's ~9 s start
# (lifespan 2.5 -> 0.6 s, 2-core AVX2), on the path of every first command on a new home
SEEDED_ENV = {"PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "0", "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "0"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the server process (Linux): be sent SIGTERM when the command that started it dies, also when it
    is killed (atexit does not run then)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _timeout() -> float:
    try:
        return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"))
    except ValueError:
        return 180.0


def prefect_home() -> Path:
    """PREFECT_HOME as Prefect reads it (configure_runtime sets it from FRAMEWATCH_HOME)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def _prefect_parent() -> str:
    """The folder Prefect is installed in (uvicorn's --app-dir: the working folder must not shadow it)."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("prefect is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))).parent)


# how uvicorn serves Prefect's server app, as Prefect's own temporary server does (a factory); the kept
# server (flows.kept_server) runs it with the same options
SERVER_APP = "prefect.server.api.server:create_app"
UVICORN_OPTIONS: dict[str, Any] = {"host": "127.0.0.1", "log_level": "error", "lifespan": "on"}


def uvicorn_args(port: int) -> list[str]:
    """uvicorn's command-line arguments for SERVER_APP on UVICORN_OPTIONS and `port`."""
    options = [(f"--{name.replace('_', '-')}", value) for name, value in UVICORN_OPTIONS.items()]
    return ["--factory", SERVER_APP, "--port", str(port), *(arg for pair in options for arg in pair)]


class TemporaryAPI:
    """One temporary server process for this command; `wait()` before the first flow, `stop()` at exit."""

    def __init__(self, db_cache: Path | None = None) -> None:
        self.db_cache = db_cache  # where a copy of a new Prefect database is kept (flows.prefect_db)
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.ready = False
        self._keep_database_of: Path | None = None
        self.server_env = dict(SERVER_ENV)  # the server process's Prefect settings

    def prepare_database(self, home: Path) -> None:
        """A new home gets a copy of a database Prefect made before; else the server creates one (seconds)
        and, once it answers, a copy is kept for the next new home (flows.prefect_db)."""
        database = prefect_db.home_database(home)
        new_home = database is not None and not database.exists()
        seeded = new_home and prefect_db.seed(home, self.db_cache)
        self._keep_database_of = home if new_home and not seeded else None
        if seeded and database is not None and prefect_db.has_block_types(database):
            self.server_env.update(SEEDED_ENV)

    def start(self) -> None:
        home = prefect_home()
        self.prepare_database(home)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", _prefect_parent(), *uvicorn_args(port)],
            env={**os.environ, **self.server_env},
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            process_group=0,  # Ctrl+C reaches the command, which records the run before it stops the server
        )
        atexit.register(self.stop)  # atexit runs last-in first-out: after Prefect's log and event drains
        os.environ["PREFECT_API_URL"] = self.url

    def wait(self) -> None:
        """Return once the server answers; RuntimeError (with the reason) when it died or took too long."""
        if self.ready or not self.url:
            return
        deadline = time.monotonic() + _timeout()
        while time.monotonic() < deadline:
            code = self.exit_code()
            if code is not None:
                raise RuntimeError(f"Prefect's API server exited with status {code} before it answered")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        self.ready = True
                        if self._keep_database_of is not None:
                            prefect_db.keep(self._keep_database_of, self.db_cache)
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(
            f"Prefect's temporary API server did not answer within {_timeout():.0f} s "
            "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)"
        )

    def exit_code(self) -> int | None:
        """The server's exit status once it has ended, else None."""
        return None if self.process is None else self.process.poll()

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
