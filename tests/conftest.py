"""Shared fixtures: environment (offline, no telemetry), the shared data dir, the demo website."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_HOME = Path(tempfile.mkdtemp(prefix="framewatch-test-"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", str(_HOME / "prefect"))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "600")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
os.environ.setdefault("FRAMEWATCH_DATA_DIR", str(REPO.parent / "shared" / "data"))
# The commands the tests run keep their Prefect API server as a user's do (flows.kept_api): commands on the
# same Prefect home (this worker's PREFECT_HOME unless a test gives its own) share one. The servers carry
# this session's mark in their environment, and the session stops them at its end (_stop_kept_servers).
SESSION_MARK = f"{os.getpid()}-{_HOME.name}"
os.environ["FRAMEWATCH_TEST_SESSION"] = SESSION_MARK
os.environ.setdefault("FRAMEWATCH_API_KEEP_S", "900")


@pytest.fixture(autouse=True)
def _no_log_handler_on_a_closed_stream():
    """Typer's CliRunner swaps sys.stderr for a buffer it closes after the command. A handler created during
    such a command (Prefect puts its console handler on the root logger the first time a command runs a
    flow) keeps that buffer, and every later test's warning then prints "--- Logging error ---" into the
    output that test checks (seen: a `models promote` refusal after the evaluate tests). After each test,
    such handlers write to the real stderr again."""
    yield
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            stream = getattr(handler, "stream", None)
            if stream is not None and getattr(stream, "closed", False):
                handler.stream = sys.stderr
                console = getattr(handler, "console", None)
                if console is not None:
                    console.file = sys.stderr


@pytest.fixture(scope="session", autouse=True)
def _stop_kept_servers():
    """The kept servers this session's commands started do not outlive the session."""
    yield
    import signal

    from tests.procs import pids

    if sys.platform.startswith("linux"):
        for pid in pids("flows.kept_server", f"FRAMEWATCH_TEST_SESSION={SESSION_MARK}"):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = Path(os.environ["FRAMEWATCH_DATA_DIR"])
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}; set FRAMEWATCH_DATA_DIR")
    return path


@pytest.fixture(scope="session")
def seeds_dir(data_dir: Path) -> Path:
    path = data_dir.parent / "seeds"
    if not path.is_dir():
        pytest.skip(f"seed articles not found at {path}")
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's own test harness: a temporary API for the whole session (started on first use). Its flow
    runs send no heartbeats, as the product's runs on a temporary API do (flows.settings.flow_run_settings).
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=600),  # generous: a busy machine is merely slow
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


@pytest.fixture()
def demo_site():
    from flows.demo_site import DemoSite

    with DemoSite() as site:
        yield site
