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


# The heaviest test files (seconds of setup + calls, `pytest -n 2 --durations=0`, 2026-12-07, after new
# warehouse files start from a template, 2 cores), heaviest first. `make test` hands whole files to its two
# workers in collection order (`--dist loadfile --no-loadscope-reorder`); starting with the longest and
# ending with the short ones keeps one worker from running a 60 s file alone at the end (longest-first
# scheduling: the suite's time moves from the sum of one worker's share toward half the total). A file
# missing here or a stale figure only costs balance, never a test.
HEAVIEST_FIRST = (
    "tests/flows/test_crash_safety.py",  # 95 s
    "tests/labels/test_retrain_loop.py",  # 88 s
    "tests/classifier/test_protocol.py",  # 86 s (builds the session's small model)
    "tests/flows/test_dask_runner.py",  # 53 s
    "tests/flows/test_serve_server.py",  # 44 s
    "tests/flows/test_prefect_db.py",  # 37 s
    "tests/warehouse/test_report.py",  # 37 s
    "tests/labels/test_browser.py",  # 35 s
    "tests/flows/test_kept_api.py",  # 26 s
    "tests/flows/test_faults.py",  # 24 s
    "tests/flows/test_monitor_flow.py",  # 23 s
    "tests/flows/test_import_nothing_lost.py",  # 22 s
    "tests/classifier/test_sentence_view.py",  # 22 s
    "tests/flows/test_import_cli.py",  # 20 s
    "tests/classifier/test_textvec.py",  # 19 s
    "tests/classifier/test_registry_refuses_junk.py",  # 18 s
    "tests/warehouse/test_report_window.py",  # 18 s
    "tests/flows/test_flow_runs.py",  # 18 s
    "tests/labels/test_web.py",  # 17 s
    "tests/classifier/test_slant.py",  # 17 s
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Whole files, heaviest first (HEAVIEST_FIRST), the rest after in collection order; the tests of a
    file keep their order."""
    rank = {path: i for i, path in enumerate(HEAVIEST_FIRST)}

    def key(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return rank.get(path, len(rank))

    items.sort(key=key)  # stable: unlisted files and each file's tests stay in order
