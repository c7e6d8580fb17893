"""`framewatch query` cannot hang or take the machine's memory (issue 20, point 7): a timeout, a memory
limit and a fetch limit, each named with its setting in one line; Ctrl+C ends it in one line too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framewatch.cli import app
from tests.clichecks import one_clear_line
from tests.processes import alive, as_foreground_job, children
from warehouse.db import connect

runner = CliRunner()
ENDLESS = "select sum(hash(a.range + b.range)) from range(1000000000) a, range(1000000000) b"


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """A real warehouse file (empty: these queries read no table)."""
    path = tmp_path / "fw.duckdb"
    connect(path).close()
    return path


def _query(db: Path, sql: str, *args: str, **env: str):
    return runner.invoke(app, ["query", sql, "--db", str(db), *args], env=env)


def test_a_query_past_the_timeout_is_stopped(db):
    result = _query(db, ENDLESS, FRAMEWATCH_QUERY_TIMEOUT_S="1")
    one_clear_line(result, "query stopped after 1 s", "FRAMEWATCH_QUERY_TIMEOUT_S", code=1)


@pytest.mark.parametrize(
    "sql", ["select repeat('x', 2000000000)", "select list(range) from range(300000000)"]
)
def test_a_query_past_the_memory_limit_is_stopped(db, sql):
    result = _query(db, sql, FRAMEWATCH_QUERY_MEMORY_LIMIT="256MB")
    one_clear_line(result, "256MB", "FRAMEWATCH_QUERY_MEMORY_LIMIT", code=1)


def test_only_the_rows_shown_are_fetched(db):
    shown = _query(db, "select * from range(30000000)", "--limit", "5")
    assert shown.exit_code == 0, shown.output
    assert "│ 4 " in shown.output and "│ 5 " not in shown.output
    assert "more rows not shown" in shown.output
    capped = _query(db, "select * from range(30000000)", "--limit", "0", FRAMEWATCH_QUERY_MAX_ROWS="50")
    assert capped.exit_code == 0 and "stopped at 50 rows (FRAMEWATCH_QUERY_MAX_ROWS)" in capped.output
    one_clear_line(_query(db, "select 1", "--limit", "-1"), "--limit must be 0 or more", code=1)


def test_ctrl_c_ends_a_query_in_one_line(db):
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "framewatch"), "query", ENDLESS, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own group: Ctrl+C signals the whole foreground group
        preexec_fn=as_foreground_job,  # with Ctrl+C at its default even if this suite's was ignored
    )
    deadline = time.monotonic() + 300
    while not children(proc.pid):  # the query runs in its worker process: the condition to wait on
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[0]
        time.sleep(0.1)
    worker = children(proc.pid)[0]
    os.killpg(proc.pid, signal.SIGINT)
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 130, output
    assert output.strip() == "error: query interrupted (Ctrl+C); nothing was changed"
    assert not alive(worker)  # ended with the command
