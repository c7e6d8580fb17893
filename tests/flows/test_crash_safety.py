"""Crash safety: a monitoring run killed with SIGKILL (while fetching, or in the middle of a write
transaction) leaves a database that opens, holds no partial or duplicate rows, and the next run completes
the work and marks the killed run 'interrupted'.

Each run happens in a subprocess (`python -c DRIVER`) that serves the demo corpus on 127.0.0.1 itself,
with its own FRAMEWATCH_HOME / PREFECT_HOME and the test's DuckDB file. The whole process group is killed,
exactly as `kill -9` on a cron job would: in the slow variant that is the run and the temporary Prefect API
server it started; the fast variant's run reports to the session's Prefect API (one server start less)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.demo_site import DemoCorpus
from tests.processes import alive, as_foreground_job, children, wait_until_read
from warehouse.db import connect

REPO = Path(__file__).resolve().parents[2]
BODY = "The harbour board met on Tuesday to weigh the ferry timetable, the dock fees and the new pier."

# argv: mode (normal | fetch | write), db path, home, marker file.
#  fetch: article pages are served slowly; the marker appears at the first page request.
#  write: scoring in batches of 4; the 2nd prediction batch opens its transaction, inserts, touches the
#         marker and hangs before COMMIT, so the kill lands inside an uncommitted write.
DRIVER = r"""
import json, os, sys, time
from pathlib import Path
mode, db, home, marker = sys.argv[1:5]
os.environ["FRAMEWATCH_HOME"] = home
from flows.settings import FlowSettings, configure_runtime
configure_runtime(FlowSettings())
import flows.monitor as monitor
from flows.demo import write_sources
from flows.demo_site import DemoSite
from tests.flows.patient import patient_fetch_settings

def touch():
    Path(marker).write_text(str(os.getpid()))

class Site(DemoSite):
    def render_page(self, article):
        if mode == "fetch":
            touch()
            time.sleep(0.5)
        return super().render_page(article)

from flows.params import CollectParams, ScoreParams
batch = 4 if mode == "write" else 64
if mode == "write":
    from warehouse import predictions
    original = predictions.execute_file
    seen = []
    def execute_file(cur, name, params=None):
        original(cur, name, params)
        if name == "models/insert_predictions":
            seen.append(1)
            if len(seen) == 2:
                touch()
                time.sleep(600)  # killed here: the batch is written inside its transaction, not committed
    predictions.execute_file = execute_file

with Site() as site:
    sources = write_sources(site.outlets(), [], Path(home) / "sources.toml")
    collect = CollectParams(sources_path=str(sources), fetch=patient_fetch_settings())
    out = monitor.monitor_flow(db_path=db, collect=collect, score=ScoreParams(batch_size=batch))
print("RESULT " + json.dumps({"run_id": out["run_id"], "counts": out["counts"]}, default=str))
"""


def _env(home: Path, api_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "FRAMEWATCH_HOME": str(home),
            "PREFECT_HOME": str(home / "prefect"),
            "PYTHONUNBUFFERED": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_LOGGING_TO_API_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600",
        }
    )
    env.pop("PREFECT_API_URL", None)  # without api_url, the subprocess starts its own temporary API
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def _start(mode: str, db: Path, home: Path, marker: Path, api_url: str | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, mode, str(db), str(home), str(marker)],
        cwd=REPO,
        env=_env(home, api_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the kill takes everything it started
    )


def _kill_when(proc: subprocess.Popen, marker: Path, timeout: float = 900) -> None:
    """SIGKILL the run's process group as soon as `marker` exists."""
    deadline = time.monotonic() + timeout
    try:
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"run ended before the kill point (rc {proc.returncode}):\n{proc.stdout.read()}")
            if time.monotonic() > deadline:
                pytest.fail("run never reached the kill point")
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=120)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL


def _run_to_completion(db: Path, home: Path) -> dict:
    proc = _start("normal", db, home, home / "unused")
    try:
        out, _ = proc.communicate(timeout=1200)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == 0, out
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _rerun_in_process(home: Path, db: Path) -> dict:
    """The next scheduled run, in this process (under the session's Prefect test harness)."""
    from flows.demo import write_sources
    from flows.demo_site import DemoSite
    from flows.monitor import monitor_flow
    from flows.params import CollectParams
    from tests.flows.patient import patient_fetch_settings

    with DemoSite() as site:
        sources = write_sources(site.outlets(), [], home / "sources.toml")
        return monitor_flow(
            db_path=str(db), collect=CollectParams(sources_path=str(sources), fetch=patient_fetch_settings())
        )


def _assert_consistent(db: Path) -> dict[str, int]:
    """The database opens; no partial, orphaned or duplicate rows."""
    con = connect(db, read_only=True)
    try:
        n, distinct = con.execute("select count(*), count(distinct article_id) from articles").fetchone()
        assert n == distinct, "duplicate article_id"
        incomplete = con.execute(
            "select count(*) from articles where article_id is null or outlet_id is null or url is null"
            " or normalized_url is null or text is null or length(text) = 0 or content_hash is null"
            " or first_run_id is null or fetched_at is null or extractor is null"
        ).fetchone()[0]
        assert incomplete == 0, "partial article rows"
        orphans = con.execute(
            "select count(*) from predictions p anti join articles a using (article_id)"
        ).fetchone()[0]
        assert orphans == 0, "predictions for articles that are not stored"
        repeated = con.execute(
            "select count(*) from (select article_id, model_version from predictions"
            " group by all having count(*) > 1)"
        ).fetchone()[0]
        assert repeated == 0, "more than one prediction per article per model"
        bad_preds = con.execute(
            "select count(*) from predictions where frame_probs is null or cardinality(frame_probs) = 0"
            " or slant is null or model_version is null"
        ).fetchone()[0]
        assert bad_preds == 0, "partial prediction rows"
        n_preds = con.execute("select count(*) from predictions").fetchone()[0]
        statuses = dict(
            con.execute(
                "select status, count(*) from runs where flow_name = 'monitor' group by status"
            ).fetchall()
        )
        return {"articles": n, "predictions": n_preds, **statuses}
    finally:
        con.close()


def _assert_recovered(db: Path, result: dict, killed: int) -> None:
    corpus = len(DemoCorpus.load().articles)
    con = connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from articles").fetchone()[0] == corpus
        current = result["counts"]["model_version"]
        unscored = con.execute(
            "select count(*) from articles a where not exists (select 1 from predictions p"
            " where p.article_id = a.article_id and p.model_version = ?)",
            [current],
        ).fetchone()[0]
        assert unscored == 0
        runs = con.execute("select run_id, flow_name, status from runs").fetchall()
    finally:
        con.close()
    monitor_runs = {run_id: status for run_id, flow, status in runs if flow == "monitor"}
    assert monitor_runs.pop(result["run_id"]) == "completed"
    assert sorted(monitor_runs.values()) == ["interrupted"] * killed
    assert [r for r in runs if r[2] == "running"] == []  # no run, nor subflow run, is left 'running'
    assert result["counts"]["interrupted_runs_marked"] >= 1


@pytest.mark.timeout(1800)  # the waits inside are conditions with generous limits, not margins
def test_kill_mid_write_then_rerun_completes(prefect_harness, tmp_path):
    """Fast variant: one SIGKILL inside an uncommitted prediction transaction, then a clean re-run
    (in this process). Both report to the session's Prefect API, so no Prefect server is started."""
    from prefect.settings import PREFECT_API_URL

    db = tmp_path / "fw.duckdb"
    run = _start("write", db, tmp_path / "h1", tmp_path / "write.marker", PREFECT_API_URL.value())
    _kill_when(run, tmp_path / "write.marker")
    after_kill = _assert_consistent(db)
    assert after_kill["articles"] == len(DemoCorpus.load().articles)  # committed before scoring began
    assert after_kill["predictions"] == 4  # only the first, committed batch; the open one rolled back
    assert after_kill.get("running") == 1  # the killed run's row, until the next run marks it
    result = _rerun_in_process(tmp_path, db)
    _assert_consistent(db)
    _assert_recovered(db, result, killed=1)
    assert result["counts"]["articles_new"] == 0 and result["counts"]["scored"] == after_kill["articles"] - 4


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_kill_while_fetching_and_while_writing(tmp_path):
    """Two kills (one during page fetches, one inside a write transaction), then a run that finishes."""
    db = tmp_path / "fw.duckdb"
    _kill_when(_start("fetch", db, tmp_path / "h1", tmp_path / "fetch.marker"), tmp_path / "fetch.marker")
    after_fetch_kill = _assert_consistent(db)
    assert after_fetch_kill["articles"] == 0 and after_fetch_kill.get("running") == 1
    _kill_when(_start("write", db, tmp_path / "h2", tmp_path / "write.marker"), tmp_path / "write.marker")
    after_write_kill = _assert_consistent(db)
    assert after_write_kill.get("interrupted") == 1 and after_write_kill.get("running") == 1
    result = _run_to_completion(db, tmp_path / "h3")
    _assert_consistent(db)
    _assert_recovered(db, result, killed=2)


@pytest.mark.timeout(1800)  # the waits inside are conditions with generous limits, not margins
def test_kill_during_the_report_then_a_quiet_import_repairs_what_it_left(prefect_harness, tmp_path):
    """Issue 20, point 6, with the real commands: `framewatch import` is killed (SIGKILL, the CLI process
    only) inside the report flow; Prefect's temporary server it started dies with it; the same import run
    again (every record stored: the quiet path) marks the killed runs 'interrupted', publishes the report
    the killed run did not (marts, snapshot) and removes the temporary snapshot copy a kill leaves.

    The kill point is a condition, not a clock: the topic taxonomy is a named pipe nobody writes, so the
    report flow (the only reader of the taxonomy in a first run) waits on it; opening the pipe for writing
    without blocking succeeds exactly when the command is waiting there."""
    from tests.clichecks import run_cli

    db, home = tmp_path / "fw.duckdb", tmp_path / "home"
    records = tmp_path / "k.jsonl"
    records.write_text(
        "".join(
            json.dumps(
                {"id": f"k{i}", "outlet": "killtown", "title": f"Ferry {i}", "text": f"Ferry {i}. {BODY}"}
            )
            + "\n"
            for i in range(3)
        ),
        encoding="utf-8",
    )
    pipe = tmp_path / "topics.toml"
    os.mkfifo(pipe)
    log = tmp_path / "killed.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "framewatch"), "import", str(records), "--db", str(db)],
            # the temporary server of its own (not kept: FRAMEWATCH_API_KEEP_S=0) must die with it
            env={**_env(home), "FRAMEWATCH_TOPICS_FILE": str(pipe), "FRAMEWATCH_API_KEEP_S": "0"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    writer = wait_until_read(pipe, proc, log)  # the report flow waits on the taxonomy: kill it there
    server = children(proc.pid)
    proc.kill()
    proc.wait(timeout=120)
    os.close(writer)
    assert "for flow 'report'" in log.read_text() and server, log.read_text()
    deadline = time.monotonic() + 300
    while any(alive(pid) for pid in server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in server), "Prefect's temporary server outlived the killed command"

    snapshots = db.parent / ".framewatch" / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    left = snapshots / ".snapshot-left-by-a-kill.duckdb"  # what a kill during the copy leaves
    left.write_bytes(b"\0" * 4096)
    again = run_cli("import", str(records), "--db", str(db), env={"FRAMEWATCH_HOME": str(home)})
    assert again.exit_code == 0, again.output
    assert "all stored: 3 of 3 records stored (0 new, 3 already there)" in again.output
    con = connect(db, read_only=True)
    try:
        statuses = dict(con.execute("select flow_name, list(status) from runs group by 1").fetchall())
    finally:
        con.close()
    assert "running" not in sum(statuses.values(), [])
    assert "interrupted" in statuses["import"] and "interrupted" in statuses["report"]
    assert "completed" in statuses["report"]  # the report the killed run owed
    snapshot = connect(snapshots / "fw-latest.duckdb", read_only=True)
    try:
        assert snapshot.execute("select count(*) from articles where outlet_id = 'killtown'").fetchone() == (
            3,
        )
        marts = snapshot.execute(
            "select n_articles from outlet_summary where outlet_id = 'killtown'"
        ).fetchall()
        assert marts == [(3,)]  # the marts as of the repaired report
    finally:
        snapshot.close()
    assert not left.exists()


@pytest.mark.timeout(1800)
def test_ctrl_c_during_a_run_ends_in_one_line(tmp_path):
    """Issue 20, point 9: Ctrl+C (SIGINT to the command's process group) while a run works ends with one
    line and exit 130, the run recorded as failed; no traceback, none of the ~45 lines of 'leaked
    instance' warnings DuckDB's bindings printed at exit. The run is stopped at the same condition as
    above: its report flow waiting on the taxonomy, a named pipe."""
    db, home = tmp_path / "fw.duckdb", tmp_path / "home"
    records = tmp_path / "c.jsonl"
    records.write_text(json.dumps({"outlet": "ctrltown", "title": "Ferry", "text": BODY}) + "\n")
    pipe = tmp_path / "topics.toml"
    os.mkfifo(pipe)
    log = tmp_path / "interrupted.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "framewatch"), "import", str(records), "--db", str(db)],
            # the temporary server of its own (not kept: FRAMEWATCH_API_KEEP_S=0) must die with it
            env={**_env(home), "FRAMEWATCH_TOPICS_FILE": str(pipe), "FRAMEWATCH_API_KEEP_S": "0"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own, as a terminal's foreground job
            preexec_fn=as_foreground_job,  # with Ctrl+C at its default even if this suite's was ignored
        )
    writer = wait_until_read(pipe, proc, log)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=600)
    finally:
        os.close(writer)
    output = log.read_text()
    assert proc.returncode == 130, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines[-1].startswith("error: interrupted (Ctrl+C): the run is recorded as failed"), output
    assert "Traceback" not in output and "nanobind" not in output and "leaked" not in output, output
    con = connect(db, read_only=True)
    try:
        assert con.execute("select status from runs where flow_name = 'import'").fetchall() == [("failed",)]
    finally:
        con.close()
