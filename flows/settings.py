"""Flow settings: one typed place (FRAMEWATCH_* environment variables), built where the program starts."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SOURCES = Path(__file__).parent / "sources" / "sources.toml"
DEFAULT_TOPICS = Path(__file__).parent / "analysis" / "topics.toml"


class FlowSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_", extra="ignore")

    db_path: Path = Field(Path("framewatch.duckdb"), description="The DuckDB file the flows write.")
    home: Path = Field(Path(".framewatch"), description="Working data: Prefect home, snapshots, reports.")
    sources: Path = Field(DEFAULT_SOURCES, description="The sources registry (outlets and feeds).")
    topics_file: Path = Field(DEFAULT_TOPICS, description="The topic taxonomy analysts edit (TOML).")
    prefect_db_cache: Path | None = Field(
        None,
        description="Where a copy of a new Prefect database is kept for new Prefect homes "
        "(flows.prefect_db; default $XDG_CACHE_HOME or ~/.cache, then framewatch/prefect-db).",
    )
    api_keep_s: float = Field(
        600,
        ge=0,
        description="How long Prefect's local API server stays up after the last command that used it, "
        "for the next command to run its flows at once (seconds; flows.kept_api); 0: each command starts "
        "its own and stops it at exit.",
    )

    def prefect_home(self) -> Path:
        return (self.home / "prefect").resolve()


def configure_runtime(settings: FlowSettings) -> None:
    """Environment for Prefect and Hugging Face, set before either is imported: no server needed,
    no telemetry, no hub downloads, a generous first-start timeout for the temporary local API."""
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        # run logs are kept with the run, also on the temporary API (its database is in PREFECT_HOME:
        # `prefect flow-run logs ID` and `prefect server start` read them later)
        "PREFECT_LOGGING_TO_API_ENABLED": "true",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)


_PR_SET_PDEATHSIG = 1
BOOT_THREAD = "prefect-temporary-api"  # starts Prefect's server and lives as long as the process
_RAN_FLOWS = False
_TEMPORARY_API = False  # this command started a temporary API (it ends with the command)


def ran_flows() -> bool:
    """True once this process started (or asked for) Prefect's API to run flows: it has loaded Prefect,
    the models and torch, whose teardown at interpreter exit takes seconds (see framewatch.cli.main)."""
    return _RAN_FLOWS


def start_temporary_api() -> Callable[[], None]:
    """Start Prefect's temporary API server (used when PREFECT_API_URL is unset) in the background now,
    so its start-up (seconds, in its own process) overlaps the command's own imports and checks; returns
    the function to call before the first flow runs, which waits until the server answers. In a process
    that has not imported Prefect yet the server is started without importing Prefect here
    (flows.temporary_api); otherwise Prefect's own server is started from a thread. Either is stopped at
    exit and dies with this process even when that is killed (kill -9), which an exit handler cannot see
    (`tie_server_to_this_process`, flows.temporary_api). Nothing is started when a real server is set."""
    from flows.local_api import start_early

    global _RAN_FLOWS, _TEMPORARY_API
    _RAN_FLOWS = True
    settings = FlowSettings()
    early = start_early(settings.prefect_db_cache, settings.api_keep_s)
    if early is not None:
        _TEMPORARY_API = True
        return early
    from prefect.settings import get_current_settings

    current = get_current_settings()
    if current.api.url or not current.server.ephemeral.enabled:
        return lambda: None
    _TEMPORARY_API = True
    tie_server_to_this_process()
    ready = threading.Event()

    def boot() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        try:
            SubprocessASGIServer().start()
        except Exception:  # the first flow tries again and reports the failure the usual way
            logging.getLogger(__name__).warning(
                "the temporary Prefect API did not start early", exc_info=True
            )
        finally:
            ready.set()
        # The server is this thread's child: Linux signals it when this thread ends (PR_SET_PDEATHSIG), so
        # the thread lives as long as the process (a daemon thread: it never holds the process up).
        threading.Event().wait()

    def wait() -> None:
        ready.wait()

    threading.Thread(target=boot, name=BOOT_THREAD, daemon=True).start()
    return wait


@contextmanager
def flow_run_settings() -> Iterator[None]:
    """Prefect settings for the flows a command runs. On a temporary API (started by
    `start_temporary_api`, gone with the command) flow runs send no heartbeats: they serve a lasting
    server's detection of crashed runs, which a server that ends with the command cannot do, and Prefect's
    heartbeat thread sleeps in 1 s steps that the end of every flow and subflow run waits out (~0.5 s
    each, ~2 s for an import with its collect, score and report subflows). A lasting server
    (PREFECT_API_URL) keeps them."""
    if not _TEMPORARY_API:
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def tie_server_to_this_process() -> None:
    """Make the server process that Prefect's temporary API starts (`uvicorn`, prefect.server.api.server)
    get SIGTERM when the thread that started it ends, whatever ends it: kill -9 of this command leaves no
    server behind. Linux only (prctl PR_SET_PDEATHSIG, set in the child before it runs uvicorn); elsewhere
    Prefect's own exit handler is all there is. The server runs in a process group of its own, so that a
    Ctrl+C meant for the command does not stop it under the command's feet."""
    if not sys.platform.startswith("linux"):
        return
    from prefect.server.api import server as prefect_server

    if isinstance(prefect_server.subprocess, _ChildrenDieWithParent):
        return
    prefect_server.subprocess = _ChildrenDieWithParent(ctypes.CDLL(None, use_errno=True).prctl)  # type: ignore[assignment]


class _ChildrenDieWithParent:
    """The `subprocess` module as prefect.server.api.server sees it: the same, except that each Popen
    child asks the kernel for SIGTERM when its parent thread ends, in a process group of its own."""

    def __init__(self, prctl: Callable[..., int]) -> None:
        self._prctl = prctl  # looked up here, in the parent: the child only calls it

    def __getattr__(self, name: str) -> object:
        return getattr(subprocess, name)

    def Popen(self, *args: object, **kwargs: object) -> subprocess.Popen:  # noqa: N802 - subprocess's name
        parent, prctl = os.getpid(), self._prctl

        def die_with_parent() -> None:  # runs in the child, between fork and exec
            prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:  # the parent was gone before the request: go now
                os._exit(1)

        here = threading.current_thread()
        if here is threading.main_thread() or here.name == BOOT_THREAD:  # threads that live as long as we do
            kwargs.setdefault("preexec_fn", die_with_parent)
        # A group of its own: Ctrl+C in a terminal reaches the command, which then finishes talking to the
        # server (recording the interrupted run) before its exit handler stops it.
        kwargs.setdefault("process_group", 0)
        return subprocess.Popen(*args, **kwargs)  # type: ignore[call-overload]
