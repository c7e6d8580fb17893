"""`framewatch label ...` commands on a real warehouse: sample, load, agreement, adjudicate, export."""

from __future__ import annotations

import json
import random

import pytest
from typer.testing import CliRunner

from framewatch.cli.labels import app
from tests.labels.corpus import simulated_label
from warehouse import labels_store
from warehouse.db import connect

runner = CliRunner()
COMMANDS = ["sample", "serve", "load", "export", "agreement", "adjudicate", "retrain"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def _invoke(*args: str):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_the_workflow_from_the_command_line(warehouse, tmp_path):
    path, truths = warehouse
    db = ["--db", str(path)]
    code, out = _invoke("sample", *db, "--n", "12", "--test-size", "4")
    assert code == 0 and "queued 12 articles for labeling (--n 12)" in " ".join(out.split())
    assert "froze the test set: 4 articles" in " ".join(out.split())

    con = connect(path, read_only=True)
    queued = [
        r[0] for r in con.execute("select distinct article_id from label_samples order by 1").fetchall()
    ]
    con.close()
    rng = random.Random(1)
    lines = [
        json.dumps({"article_id": a, **simulated_label(truths[a], who, rng, 0.3)})
        for a in queued
        for who in ("ann", "ben")
    ]
    good = tmp_path / "labels.jsonl"
    good.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _invoke("load", str(good), *db)
    assert code == 0 and "stored 32" in out

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(
            {
                "article_id": "nope",
                "annotator": "ann",
                "frames": ["Economy"],
                "primary_frame": "Economy",
                "slant": "left",
                "tone": "neutral",
            }
        )
        + "\n"
    )
    code, out = _invoke("load", str(bad), *db)
    assert code == 1 and "unknown article 'nope'" in " ".join(out.split())

    code, out = _invoke("agreement", *db, "--json")
    report = json.loads(out)
    assert code == 0 and report["overlap"] == 16 and set(report["annotators"]) == {"ann", "ben"}
    assert report["alpha"]["slant"] is not None

    code, out = _invoke("adjudicate", *db)
    assert code == 0 and "new gold labels" in out
    con = connect(path, read_only=True)
    n_gold, conflicts = len(labels_store.gold(con)), len(queued) - len(labels_store.gold(con))
    con.close()
    if conflicts:
        assert "resolve: framewatch label adjudicate --article" in out
    article = queued[0]
    truth = truths[article]
    args = [
        "--article",
        article,
        *sum((["--frame", f] for f in truth["frames"]), []),
        "--primary",
        truth["primary_frame"],
        "--slant",
        truth["slant"],
        "--tone",
        truth["tone"],
        "--by",
        "ed",
    ]
    code, out = _invoke("adjudicate", *db, *args)
    assert code == 0 and "adjudicated by ed" in out
    code, out = _invoke(
        "adjudicate",
        *db,
        "--article",
        article,
        "--frame",
        "Economy",
        "--slant",
        "left",
        "--tone",
        "neutral",
        "--by",
        "ed",
    )
    assert code == 1 and "unknown frame" in out

    tasks, gold, config = tmp_path / "tasks.json", tmp_path / "gold.jsonl", tmp_path / "config.xml"
    assert _invoke("export", str(tasks), *db, "--config", str(config))[0] == 0
    assert len(json.loads(tasks.read_text())) == 16 and "<Choices" in config.read_text()
    assert _invoke("export", str(gold), *db, "--what", "gold")[0] == 0
    rows = [json.loads(line) for line in gold.read_text().splitlines()]
    assert len(rows) in (n_gold, n_gold + 1)  # one standing gold label per article
    assert any(r["article_id"] == article and r["method"] == "adjudicated" for r in rows)


def test_missing_database_is_explained(tmp_path):
    code, out = _invoke("agreement", "--db", str(tmp_path / "absent.duckdb"))
    assert code == 1 and "framewatch demo" in out


def test_serve_needs_an_annotator_list(warehouse):
    from tests.clichecks import one_clear_line

    path, _ = warehouse
    result = runner.invoke(app, ["serve", "--db", str(path)], env={"FRAMEWATCH_LABEL_ANNOTATORS": ""})
    one_clear_line(result, "no annotators configured", "--annotator NAME", "FRAMEWATCH_LABEL_ANNOTATORS")
    bad = runner.invoke(app, ["serve", "--db", str(path)], env={"FRAMEWATCH_LABEL_ANNOTATORS": "ann,<b>"})
    one_clear_line(bad, "FRAMEWATCH_LABEL_", "'<b>' is not usable")
    odd = runner.invoke(app, ["serve", "--db", str(path), "--annotator", "x" * 41])
    one_clear_line(odd, "is not usable")


def test_retrain_lists_every_missing_requirement_before_anything_starts(warehouse, tmp_path):
    """No labels yet and no base corpora: one answer naming all four gaps, no flow run recorded."""
    path, _ = warehouse
    result = runner.invoke(
        app, ["retrain", "--db", str(path)], env={"FRAMEWATCH_DATA_DIR": str(tmp_path / "nodata")}
    )
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    text = " ".join(result.output.split())
    assert "retraining needs 4 more things:" in text
    for part in (
        "only 0 gold-labeled test articles (need 10)",
        "only 0 gold training labels (need 1)",
        "no base corpus semeval2023_frames_train.parquet",
        "no base corpus allsides_slant.parquet",
    ):
        assert part in text
    # the test set has its own queue on the labeling page: the hint points at it
    assert "http://127.0.0.1:8766/test" in text and "shows test articles first" not in text
    con = connect(path, read_only=True)
    try:
        assert con.execute("select count(*) from runs where flow_name = 'retrain'").fetchone()[0] == 0
    finally:
        con.close()


def test_adjudicate_says_why_one_annotator_makes_no_gold(warehouse, tmp_path):
    path, truths = warehouse
    db = ["--db", str(path)]
    _invoke("sample", *db, "--n", "4", "--test-size", "2")
    con = connect(path, read_only=True)
    queued = [
        r[0] for r in con.execute("select distinct article_id from label_samples order by 1").fetchall()
    ]
    con.close()
    rng = random.Random(2)
    lines = [json.dumps({"article_id": a, **simulated_label(truths[a], "ann", rng, 0.0)}) for a in queued]
    (tmp_path / "one.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _invoke("load", str(tmp_path / "one.jsonl"), *db)[0] == 0
    code, out = _invoke("adjudicate", *db)
    text = " ".join(out.split())
    assert code == 0 and "0 new gold labels" in text
    assert f"{len(queued)} labeled article(s) wait for more annotators" in text
    assert "at least 2 people who agree" in text and "labeled by ann" in text and "--accept-single" in text
    code, out = _invoke("adjudicate", *db, "--accept-single")
    assert code == 0 and f"{len(queued)} new gold labels" in out and "wait for more" not in out
