"""The real monitoring flow under Prefect's test harness: the demo website on 127.0.0.1, a real DuckDB
file, the promoted model. Faults are recorded with reasons; a second run adds no duplicates."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from flows.demo import write_seed_import, write_sources
from flows.monitor import monitor_flow
from flows.monitor_check import settled_monitor
from flows.params import CollectParams, RetrainParams, RunnerParams, ScoreParams
from flows.sources.collect import pending_items_async
from flows.sources.registry import load_sources
from tests.flows.patient import patient_fetch_settings
from warehouse.db import connect


@pytest.fixture(scope="module")
def demo_runs(prefect_harness, tmp_path_factory):
    from flows.demo_site import DemoSite

    home = tmp_path_factory.mktemp("demo")
    db = home / "fw.duckdb"
    with DemoSite() as site:
        sources = write_sources(site.outlets(), [], home / "sources.toml")
        first = monitor_flow(
            db_path=str(db), collect=CollectParams(sources_path=str(sources), fetch=patient_fetch_settings())
        )
        second = monitor_flow(
            db_path=str(db), collect=CollectParams(sources_path=str(sources), fetch=patient_fetch_settings())
        )
        # a third run, as `framewatch monitor` answers a quiet one: the feeds are checked without a flow
        third = settled_monitor(
            db,
            CollectParams(sources_path=str(sources), fetch=patient_fetch_settings()),
            ScoreParams(),
            RetrainParams(),
            RunnerParams(),
        )
        outlets = load_sources(sources)
        probed, pending = asyncio.run(
            pending_items_async([f for o in outlets for f in o.feeds], set(), patient_fetch_settings())
        )
        corpus_size = len(site.corpus.articles)
    return db, first, second, corpus_size, third, pending


def test_first_run_stores_and_scores_the_corpus(demo_runs):
    db, first, _second, corpus_size, *_ = demo_runs
    con = connect(db, read_only=True)
    n_articles = con.execute("select count(*) from articles").fetchone()[0]
    assert n_articles == corpus_size  # every corpus page; the video-only page is a recorded failure
    assert first["counts"]["articles_new"] == n_articles
    assert first["counts"]["scored"] == n_articles
    # every article has exactly one prediction from the current model, with all 15 frame probabilities
    rows = con.execute(
        "select count(*), min(cardinality(frame_probs)), count(distinct model_version) from predictions"
    ).fetchone()
    assert rows == (n_articles, 15, 1)
    # outlets table has every demo outlet, each with scored articles
    per_outlet = con.execute("select outlet_id, n_articles from outlet_summary").fetchall()
    assert len(per_outlet) == 8 and all(n >= 5 for _o, n in per_outlet)
    # the report's run record says which backend computed the story embeddings (all of them, this machine's)
    from classifier.transformer.embedding import resolve_backend

    report = con.execute(
        "select counts from runs where flow_name = 'report' order by started_at limit 1"
    ).fetchone()[0]
    assert json.loads(report)["embedding_backends"] == {resolve_backend(): n_articles}


def test_faults_are_recorded_with_reasons(demo_runs):
    db, first, _second, _n, *_ = demo_runs
    reasons = {(e["stage"], e["reason"]) for e in first["errors"]}
    assert ("feed", "malformed_feed") in reasons
    assert ("feed", "connect_error") in reasons
    assert ("extract", "no_text") in reasons
    con = connect(db, read_only=True)
    stored = con.execute(
        "select stage, reason from run_errors where run_id = ? order by stage, reason", [first["run_id"]]
    ).fetchall()
    assert set(stored) == reasons
    status = con.execute("select status, n_errors from runs where run_id = ?", [first["run_id"]]).fetchone()
    assert status == ("completed", len(first["errors"]))


def test_second_run_adds_nothing(demo_runs):
    db, first, second, _n, *_ = demo_runs
    assert second["counts"]["articles_new"] == 0
    assert second["counts"]["scored"] == 0
    assert second["counts"]["items_already_stored"] >= first["counts"]["articles_new"]
    con = connect(db, read_only=True)
    assert con.execute("select count(*) from articles").fetchone()[0] == first["counts"]["articles_new"]
    flows = con.execute("select flow_name, count(*) from runs group by all order by 1").fetchall()
    # the second monitor run collects, finds nothing new, and starts neither a score nor a report run
    assert flows[:2] == [("collect", 2), ("monitor", 3)] and flows[2:] == [("report", 1), ("score", 1)]
    assert second["counts"]["score"] == "skipped: every article is scored"
    assert second["counts"]["report"] == "skipped: the warehouse is as the last report showed it"
    # the first run's report subflow wrote the snapshot, and its counts say so (not just why it was due)
    assert first["counts"]["report"] == "refreshed, snapshot published (was due: no snapshot yet)"
    assert Path(second["snapshot"]).exists()


def test_a_quiet_run_is_answered_without_a_flow(demo_runs):
    """Nothing new on the feeds, every article scored, the report current: `settled_monitor` records the
    run (its feed fetches and the same feed failures the flow records) and starts no flow; the same feeds
    with nothing stored list every corpus article as pending, which sends a run to the flow."""
    db, first, second, corpus_size, third, pending = demo_runs
    assert third is not None and third["counts"]["articles_new"] == 0
    assert third["counts"]["items_already_stored"] == second["counts"]["items_already_stored"]
    assert {(e["stage"], e["reason"]) for e in third["errors"]} == {
        (e["stage"], e["reason"]) for e in second["errors"] if e["stage"] == "feed"
    }
    assert len(pending) >= corpus_size
    # the video-only page failed in the last collect run: left for the next flow run, not new work
    failed = {e["source"] for e in first["errors"] if e["stage"] in ("fetch", "extract")}
    assert third["counts"]["pages_left_for_the_next_flow_run"] == len(failed) >= 1
    con = connect(db, read_only=True)
    run = con.execute("select flow_name, status, n_errors from runs where run_id = ?", [third["run_id"]])
    assert run.fetchone() == ("monitor", "completed", len(third["errors"]))
    fetched = con.execute("select count(*) from feed_fetches where run_id = ?", [third["run_id"]]).fetchone()
    assert fetched[0] == third["counts"]["feeds"]
    assert Path(third["snapshot"]).exists()


def test_seed_articles_are_scored_and_stored(prefect_harness, seeds_dir, tmp_path):
    from flows.demo import SEED_OUTLETS

    db = tmp_path / "seeds.duckdb"
    sources = write_sources([], list(SEED_OUTLETS.values()), tmp_path / "sources.toml")
    seeds = write_seed_import(seeds_dir, tmp_path / "seeds.jsonl")
    out = monitor_flow(
        db_path=str(db), collect=CollectParams(sources_path=str(sources), import_paths=[str(seeds)])
    )
    assert out["counts"]["articles_new"] == 2 and out["counts"]["scored"] == 2
    con = connect(db, read_only=True)
    rows = con.execute(
        "select outlet_id, slant, slant_right, primary_frame, cardinality(frames) from "
        "article_scores order by outlet_id"
    ).fetchall()
    assert [r[0] for r in rows] == ["foxnews.com", "seed-blog"]
    assert all(r[1] in ("left", "center", "right") and 0 <= r[2] <= 1 and r[4] >= 1 for r in rows)
    ev = con.execute("select evidence from predictions").fetchall()
    assert all(len(e[0]) > 10 for e in ev)


def test_the_demo_says_whether_the_seed_articles_join_it(tmp_path, monkeypatch):
    """A clone without ../shared beside it runs the demo on its own outlets: the output says so, where
    it looked and what to set, instead of two articles silently missing."""
    import flows.demo as demo

    seeds = tmp_path / "shared" / "seeds"
    monkeypatch.setattr(demo, "seed_candidates", lambda: [tmp_path / "elsewhere" / "seeds", seeds])
    missing = demo.seeds_note()
    assert demo.seeds_dir() is None
    assert "not found" in missing and str(seeds) in missing and "FRAMEWATCH_DATA_DIR" in missing
    seeds.mkdir(parents=True)
    assert demo.seeds_dir() == seeds
    assert demo.seeds_note() == f"With the two seed articles from {seeds}."
