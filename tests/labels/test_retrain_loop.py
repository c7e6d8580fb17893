"""One full turn of the loop, for real: a champion trained on the base corpora scores the demo corpus;
articles are sampled (with a frozen test set); two simulated annotators label them (JSONL and Label
Studio imports); agreement is measured; conflicts are adjudicated into gold; the retrain flow trains a
challenger on gold + the base corpora, compares both on the frozen test set, promotes the challenger
only because it beats the champion by the margin, and re-scores the articles (append-only)."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from flows.retrain import model_template
from labels.adjudication import gold_row, propose_gold
from labels.agreement import agreement
from labels.codebook import load_codebook
from labels.io import import_labels, label_studio_tasks
from labels.retrain import RetrainConfig, sample_parquet
from labels.sampling import SampleConfig, draw
from tests.labels.corpus import build_warehouse, simulated_label
from warehouse import labels_store
from warehouse.db import connect, open_db

# Small on purpose: a few hundred base rows, two protocol folds.
LOOP = RetrainConfig(
    margin=0.01,
    min_test_articles=10,
    base_frame_rows=200,
    base_slant_rows=400,
    seed=3,
    small_model=True,
    protocol_folds=2,
    # on a few hundred base articles the small recipe orders roundup stories a little worse than the plain
    # reference (measured on 600: -0.02, interval -0.04 .. -0.005), so the rule would refuse every turn;
    # this test is about the loop's promotion and re-scoring, the rule's refusals are tested in
    # test_retrain_rules.py
    same_story=False,
)


@pytest.fixture(scope="module")
def champion(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small champion trained on the base corpora only (the same samples the challenger gets)."""
    from classifier.train import train_model
    from classifier.versions import promotion

    root = tmp_path_factory.mktemp("loop")
    models = root / "models"
    work = root / "work"
    frames = sample_parquet(
        data_dir / "semeval2023_frames_train.parquet",
        work / "f.parquet",
        LOOP.base_frame_rows,
        LOOP.seed,
        LOOP.base_frame_languages,
    )
    slant = sample_parquet(
        data_dir / "allsides_slant.parquet", work / "s.parquet", LOOP.base_slant_rows, LOOP.seed
    )
    version = train_model(
        [frames],
        [slant],
        models,
        cv_folds=0,
        progress=False,
        random_state=LOOP.seed,
        template=model_template(LOOP),
    )
    promotion.promote(version, models)
    return models, version


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.timeout(
    1800
)  # one real turn: training, the protocol on every check, re-scoring; a busy machine is slow
def test_one_full_loop(prefect_harness, champion, data_dir, tmp_path):
    from classifier import registry
    from classifier.versions.load import load_scorer
    from flows.retrain import retrain_flow
    from flows.score import score_and_store
    from warehouse import load

    models, champion_version = champion
    book = load_codebook()
    db = tmp_path / "loop.duckdb"

    # 1. the monitor's state: articles scored by the champion
    with open_db(db) as con:
        truths = build_warehouse(con, hostile=False, predictions=False)
        articles = [
            load.ArticleText(*row)
            for row in con.execute(
                "select article_id, title, text, language from articles order by article_id"
            ).fetchall()
        ]
        load.register_model(con, champion_version, "baseline", {})
        score_and_store(con, load_scorer(champion_version, models), articles, "monitor-run")

        # 2. sample: a frozen test set + a batch (uncertainty, diversity, random), stratified by outlet
        _batch, plan = draw(con, SampleConfig(n=40, test_size=16, seed=1))
        queued = [p.article_id for p in [*plan.test, *plan.batch]]
        test_ids = {p.article_id for p in plan.test}
        assert len(test_ids) == 16 and len(plan.batch) == 40

        # 3. two annotators: alice via JSONL, bob via a Label Studio export of the same tasks
        rng = random.Random(5)
        alice = [dict(article_id=a, **simulated_label(truths[a], "alice", rng, 0.1)) for a in queued]
        tasks = label_studio_tasks(labels_store.export_tasks(con, "queue"))
        for task in tasks:
            lab = simulated_label(truths[task["data"]["article_id"]], "bob", rng, 0.2)
            task["annotations"] = [
                {
                    "completed_by": {"email": "bob@newsroom.example"},
                    "result": [
                        {
                            "type": "choices",
                            "from_name": k,
                            "to_name": "text",
                            "value": {"choices": lab[k] if k == "frames" else [lab[k]]},
                        }
                        for k in ("frames", "primary_frame", "slant", "tone")
                    ],
                }
            ]
        import_labels(con, _write_jsonl(tmp_path / "alice.jsonl", alice), book)
        (tmp_path / "bob.json").write_text(json.dumps(tasks), encoding="utf-8")
        import_labels(con, tmp_path / "bob.json", book)

        # 4. agreement, then gold: majority where they agree, an adjudicator (the writer) where not
        report = agreement(labels_store.current_labels(con), book)
        assert report.n_overlap == len(queued)
        assert report.alpha("slant") > 0.5 and report.alpha("tone") > 0.5
        decided, conflicts = propose_gold(labels_store.current_labels(con), book)
        resolved = [
            gold_row(
                c.article_id,
                truths[c.article_id]["frames"],
                truths[c.article_id]["primary_frame"],
                truths[c.article_id]["slant"],
                truths[c.article_id]["tone"],
                book,
                "adjudicated",
                2,
                adjudicator="editor",
            )
            for c in conflicts
        ]
        labels_store.append_gold(con, decided + resolved)
        assert len(labels_store.gold(con, "test")) == 16
        n_train = len(labels_store.gold(con, "train"))
        assert n_train == 40

    # 5. the retrain flow
    out = retrain_flow(
        db_path=str(db),
        models_dir=str(models),
        data_dir=str(data_dir),
        config=LOOP,
        rescore_since=date(2026, 1, 1),
    )
    decision = out["decision"]
    challenger = out["counts"]["challenger"]
    assert decision["champion"]["version"] == champion_version and challenger != champion_version
    assert decision["champion"]["n_articles"] == decision["challenger"]["n_articles"] == 16
    gain = decision["challenger"]["score"] - decision["champion"]["score"]
    # promoted because every part of the promotion rule holds (classifier.versions.promotion): the margin
    # on the frozen test set with a paired interval above zero, and on the protocol (the challenger's recipe
    # with the gold labels, the reference and the champion on the base corpora) no loss beyond the interval
    # and a gain over the reference on the big outlets
    assert gain >= LOOP.margin and decision["paired"]["lo"] > 0, decision["reason"]
    checks = {row["check"] for row in decision["table"]["rows"]}
    assert {"cv", "dev", "big_outlets", "test_set"} <= checks, checks
    assert decision["verdict"]["promote"] and not decision["verdict"]["failures"], decision["reason"]
    assert decision["promote"], (
        f"the in-domain challenger should win on the demo test set: {decision['reason']}"
    )
    assert registry.promoted_version(models) == challenger

    # the challenger saw the 40 gold training articles and none of the 16 test articles
    card = registry.read_card(challenger, models)
    frame_files = card["data"]["frames"]["files"]
    assert {f["name"]: f["rows"] for f in frame_files}["gold_train.jsonl"] == n_train

    con = connect(db, read_only=True)
    try:
        per_version = dict(
            con.execute("select model_version, count(*) from predictions group by model_version").fetchall()
        )
        assert per_version == {champion_version: len(articles), challenger: len(articles)}  # old rows kept
        # the re-score stores the whole scoring: headline-alone predictions too, so promoted articles stay in
        # headline_vs_body (before, retrain wrote body predictions only and they dropped out)
        titled = sum(1 for a in articles if a.title)
        heads = dict(
            con.execute(
                "select model_version, count(*) from headline_predictions group by model_version"
            ).fetchall()
        )
        assert heads == {champion_version: titled, challenger: titled}
        assert con.execute("select count(*) from headline_vs_body").fetchone()[0] == titled
        assert con.execute("select model_version from models where is_current").fetchall() == [(challenger,)]
        assert con.execute(
            "select count(*) from article_scores where model_version = ?", [challenger]
        ).fetchone()[0] == len(articles)
        run = con.execute("select status, counts from runs where flow_name = 'retrain'").fetchone()
        assert run[0] == "completed" and json.loads(run[1])["rescored"] == len(articles)
    finally:
        con.close()
