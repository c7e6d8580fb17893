"""The flows one by one: each records its run (counts, failures by reason, duration) in `runs` and as a
Prefect artifact; a failing flow is recorded 'failed' with its reason and keeps what was stored; re-running
changes nothing; monitor retrains only when enough gold labels are new."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from flows.params import CollectParams, RunnerParams, ScoreParams
from warehouse import labels_store
from warehouse.db import connect, open_db

LONG = " ".join(["The council voted on the transit budget after a long public hearing on fares."] * 12)


@pytest.fixture()
def import_file(tmp_path):
    path = tmp_path / "batch.jsonl"
    rows = [
        {
            "url": f"https://example.org/news/{i}",
            "title": f"Transit budget vote {i}",
            "text": f"Story {i}. {LONG} Riders from district {i} spoke.",
            "outlet": "example-daily",
            "published": "2026-11-20",
        }
        for i in range(6)
    ]
    rows.append({"url": "https://example.org/news/broken", "title": "no text"})  # a bad row
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _artifact_markdown(key: str, run_id: str) -> str:
    """The artifact `key` of one flow run (the session's API holds other tests' runs too)."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(run_id)])
            )
        )
    assert len(found) == 1, f"artifact {key!r} of run {run_id}: {len(found)} found"
    return found[0].data


def test_collect_and_score_record_runs_and_artifacts_and_are_idempotent(
    prefect_harness, tmp_path, import_file
):
    from flows.collect import collect_flow
    from flows.score import score_flow

    db = str(tmp_path / "fw.duckdb")
    first = collect_flow(db, CollectParams(import_paths=[str(import_file)]))
    assert first["counts"]["articles_new"] == 6 and first["counts"]["imported_rows"] == 6
    assert [e["stage"] for e in first["errors"]] == ["import"]
    scored = score_flow(db, ScoreParams())
    assert scored["counts"]["scored"] == 6

    again = collect_flow(db, CollectParams(import_paths=[str(import_file)]))
    rescored = score_flow(db, ScoreParams())
    assert again["counts"]["articles_new"] == 0 and rescored["counts"]["scored"] == 0
    con = connect(db, read_only=True)
    try:
        runs = con.execute(
            "select run_id, flow_name, status, n_errors, counts from runs order by started_at"
        ).fetchall()
        n_preds = con.execute("select count(*) from predictions").fetchone()[0]
        reasons = con.execute(
            "select stage, reason from run_errors where run_id = ?", [first["run_id"]]
        ).fetchall()
    finally:
        con.close()
    assert [(r[1], r[2]) for r in runs] == [("collect", "completed"), ("score", "completed")] * 2
    assert runs[0][0] == first["run_id"] and runs[0][3] == 1
    assert json.loads(runs[0][4])["duration_s"] >= 0
    assert n_preds == 6  # the second score run touched nothing
    assert [s for s, _r in reasons] == ["import"]
    markdown = _artifact_markdown("collect-run", first["run_id"])
    assert "articles_new" in markdown and "| import |" in markdown


def test_a_failing_flow_is_recorded_failed_and_keeps_what_was_stored(
    prefect_harness, tmp_path, import_file, monkeypatch
):
    import flows.collect
    from flows.collect import collect_flow

    db = str(tmp_path / "fw.duckdb")
    collect_flow(db, CollectParams(import_paths=[str(import_file)]))
    # a missing file is one refused file now, not a failed run (issue 13: one bad file never aborts)
    missing = collect_flow(db, CollectParams(import_paths=[str(tmp_path / "missing.jsonl")]))
    assert [(e["reason"], e["source"]) for e in missing["errors"]] == [
        ("bad_file", str(tmp_path / "missing.jsonl"))
    ]

    def disk_full(*_args, **_kwargs):  # injected fault: the disk fills up while storing
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(flows.collect, "store_new", disk_full)
    with pytest.raises(OSError, match="No space left"):
        collect_flow(db, CollectParams(import_paths=[str(import_file)]))
    con = connect(db, read_only=True)
    try:
        runs = con.execute("select run_id, status from runs order by started_at").fetchall()
        failed_reasons = con.execute(
            "select reason from run_errors where run_id = ? and stage = 'run'", [runs[-1][0]]
        ).fetchall()
        articles = con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()
    assert [s for _r, s in runs] == ["completed", "completed", "failed"]
    assert failed_reasons == [("OSError",)]
    assert articles == 6


def test_parameters_are_typed_and_checked():
    with pytest.raises(ValidationError):
        RunnerParams(kind="spark")
    with pytest.raises(ValidationError):
        CollectParams(max_items_per_feed=0)
    with pytest.raises(ValidationError):
        ScoreParams(modelversion="x")  # a typo is an error, not a silently ignored field
    assert RunnerParams(kind="dask").address is None


def test_new_gold_labels_are_counted_since_the_last_retrain(tmp_path):
    now = datetime(2026, 11, 30, 12, 0)

    def gold(i: int, when: datetime) -> dict:
        return {
            "article_id": f"a{i}",
            "frames": ["Economic"],
            "primary_frame": "Economic",
            "slant": "center",
            "tone": "neutral",
            "codebook_version": "1.1.0",
            "method": "single",
            "adjudicator": None,
            "n_annotators": 1,
            "decided_at": when,
            "note": None,
        }

    with open_db(tmp_path / "fw.duckdb") as con:
        labels_store.append_gold(con, [gold(i, now - timedelta(days=3)) for i in range(4)])
        assert labels_store.new_gold_since_retrain(con) == 4  # never retrained: all of them
        con.execute(
            "insert into runs (run_id, flow_name, started_at, status) values "
            "('r1', 'retrain', ?, 'completed'), ('r2', 'retrain', ?, 'failed')",
            [now - timedelta(days=2), now - timedelta(days=1)],
        )
        labels_store.append_gold(con, [gold(10 + i, now) for i in range(3)])
        assert labels_store.new_gold_since_retrain(con) == 3  # since the last *completed* retrain


def test_cli_runs_each_part_on_its_own(prefect_harness, tmp_path, import_file, monkeypatch):
    from typer.testing import CliRunner

    from framewatch.cli import app

    monkeypatch.setenv("FRAMEWATCH_HOME", str(tmp_path / "home"))
    cli, db = CliRunner(), str(tmp_path / "fw.duckdb")
    steps = [["import", str(import_file), "--db", db], ["score-stored", "--db", db], ["refresh", "--db", db]]
    outputs = []
    for args, code in zip(steps, (3, 0, 0), strict=True):  # import: one row refused (exit 3), the rest stored
        result = cli.invoke(app, args)
        assert result.exit_code == code, result.output
        outputs.append(" ".join(result.output.split()))
    assert "some rejected: 6 of 7 records stored" in outputs[0]
    assert "scored=0" in outputs[1]  # import already scored everything
    assert "report run" in outputs[2] and "snapshot=" in outputs[2]
    bad = cli.invoke(app, ["score-stored", "--db", db, "--address", "tcp://127.0.0.1:1"])
    assert bad.exit_code == 1 and "--address needs --runner dask" in " ".join(bad.output.split())
    con = connect(db, read_only=True)
    try:
        flows = [r[0] for r in con.execute("select flow_name from runs order by started_at").fetchall()]
    finally:
        con.close()
    assert flows == ["import", "collect", "score", "report", "score", "report"]  # an import is its own flow


def test_monitor_starts_a_retraining_turn_when_enough_gold_is_new(prefect_harness, tmp_path, import_file):
    """Due (3 new gold labels >= 2) but the frozen test set is empty: the retrain run is recorded
    'failed' with the reason, and monitor still completes and reports (no score run: nothing new)."""
    from flows.monitor import monitor_flow
    from flows.params import RetrainParams

    db = str(tmp_path / "fw.duckdb")
    monitor_flow(db, collect=CollectParams(import_paths=[str(import_file)]))
    with open_db(db) as con:
        ids = [r[0] for r in con.execute("select article_id from articles order by 1 limit 3").fetchall()]
        labels_store.append_gold(
            con,
            [
                {
                    "article_id": i,
                    "frames": ["Economic"],
                    "primary_frame": "Economic",
                    "slant": "center",
                    "tone": "neutral",
                    "codebook_version": "1.1.0",
                    "method": "single",
                    "adjudicator": None,
                    "n_annotators": 1,
                    "decided_at": datetime.now(),
                    "note": None,
                }
                for i in ids
            ],
        )
    out = monitor_flow(db, retrain=RetrainParams(min_new_gold=2))
    assert out["counts"]["new_gold"] == 3
    assert [(e["stage"], e["reason"]) for e in out["errors"]] == [("retrain", "RetrainError")]
    con = connect(db, read_only=True)
    try:
        runs = con.execute("select flow_name, status from runs order by started_at").fetchall()
    finally:
        con.close()
    assert runs[-4:] == [  # every article was scored already: no score run
        ("monitor", "completed"),
        ("collect", "completed"),
        ("retrain", "failed"),
        ("report", "completed"),  # the gold labels are new to the snapshot
    ]
    assert out["counts"]["score"] == "skipped: every article is scored"
