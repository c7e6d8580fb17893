"""Sampling on a real warehouse: a frozen, outlet-stratified test set; uncertainty, diversity and random
picks stratified by outlet; nothing labeled, queued or in the test set is picked again."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from labels.codebook import load_codebook
from labels.sampling import SampleConfig, allocate, draw, plan_sample, uncertainty
from tests.labels.corpus import simulated_label
from warehouse import labels_store
from warehouse.db import open_db


def test_uncertainty_is_highest_near_the_decision_boundary():
    sure = uncertainty({"Economic": 0.99, "Political": 0.01}, {"left": 0.9, "center": 0.05, "right": 0.05})
    unsure = uncertainty({"Economic": 0.5, "Political": 0.45}, {"left": 0.34, "center": 0.33, "right": 0.33})
    assert sure is not None and unsure is not None and sure < 0.2 < 0.9 < unsure
    assert uncertainty(None, None) is None


def test_allocate_is_proportional_and_capped():
    rng = np.random.default_rng(0)
    assert allocate({"a": 80, "b": 20}, 10, rng) == {"a": 8, "b": 2}
    assert allocate({"a": 1, "b": 50}, 10, rng)["a"] <= 1
    assert sum(allocate({"a": 3, "b": 3, "c": 3}, 100, rng).values()) == 9


def test_first_sample_freezes_a_stratified_test_set_and_mixes_strategies(warehouse):
    path, _truths = warehouse
    with open_db(path) as con:
        _batch, plan = draw(con, SampleConfig(n=24, test_size=16, seed=1))
        test = labels_store.test_set(con)
    assert len(test) == 16
    per_outlet = Counter(r["outlet_id"] for r in test)
    assert len(per_outlet) == 8 and max(per_outlet.values()) <= 3  # 8 outlets of ~8 articles: ~2 each
    kinds = Counter(p.strategy for p in plan.batch)
    assert kinds == {"uncertainty": 10, "random": 7, "diversity": 7}
    assert not {p.article_id for p in plan.batch} & {r["article_id"] for r in test}
    assert len({o for o, _s in plan.counts()}) == 8


def test_uncertainty_picks_are_the_least_certain_of_their_outlet(warehouse):
    path, _ = warehouse
    with open_db(path) as con:
        candidates = labels_store.sampling_candidates(con)
    plan = plan_sample(
        candidates, [], SampleConfig(n=8, uncertainty_share=1.0, random_share=0.0, test_size=0), True
    )
    for pick in plan.batch:
        same_outlet = [
            uncertainty(c["frame_probs"], c["slant_probs"])
            for c in candidates
            if c["outlet_id"] == pick.outlet_id
        ]
        assert pick.score == max(same_outlet)


def test_later_samples_skip_queued_labeled_and_test_articles(warehouse):
    path, truths = warehouse
    book = load_codebook()
    with open_db(path) as con:
        _b1, first = draw(con, SampleConfig(n=10, test_size=8, seed=1))
        # someone labels an article that was never queued: it must not be sampled either
        queued = {p.article_id for p in [*first.test, *first.batch]}
        outside = next(a for a in sorted(truths) if a not in queued)
        lab = simulated_label(truths[outside], "carol", random.Random(0), 0.0)
        labels_store.append_labels(
            con,
            [
                labels_store.label_row(
                    outside,
                    "carol",
                    lab["frames"],
                    lab["primary_frame"],
                    lab["slant"],
                    lab["tone"],
                    book.version,
                    "page",
                )
            ],
        )
        _b2, second = draw(con, SampleConfig(n=10, test_size=8, seed=2))
        test_after = labels_store.test_set(con)
    assert second.test == []  # the test set is frozen: not redrawn, not grown
    assert len(test_after) == 8
    picked = {p.article_id for p in second.batch}
    assert len(picked) == 10 and not picked & queued and outside not in picked


def test_same_seed_same_batch(warehouse):
    path, _ = warehouse
    with open_db(path) as con:
        candidates = labels_store.sampling_candidates(con)
    config = SampleConfig(n=12, test_size=6, seed=9)
    one, two = plan_sample(candidates, [], config, False), plan_sample(candidates, [], config, False)
    assert [p.article_id for p in one.batch] == [p.article_id for p in two.batch]


def test_bad_shares_are_refused():
    with pytest.raises(ValueError, match="at most 1"):
        SampleConfig(uncertainty_share=0.8, random_share=0.5)


def test_the_test_set_has_its_own_queue_and_queues_are_per_annotator(warehouse):
    """Before issue 15.7 the test set led the one queue (the first labels silently went there); now the
    labeling queue never holds a test-set article and the test set is labeled through its own queue."""
    path, _ = warehouse
    with open_db(path) as con:
        _b, plan = draw(con, SampleConfig(n=4, test_size=2, seed=1), assign=["alice"])
        test_ids, batch_ids = {p.article_id for p in plan.test}, {p.article_id for p in plan.batch}
        first = labels_store.next_article(con, "alice")
        assert first in batch_ids
        assert labels_store.next_article(con, "alice", queue="test") in test_ids
        assert labels_store.next_article(con, "bob") is None  # queued for alice only
        assert labels_store.next_article(con, "bob", queue="test") is None
        progress = labels_store.progress(con, "alice")
        assert (progress["queued"], progress["test_queued"], progress["test_set_size"]) == (4, 2, 2)
        assert labels_store.next_article(con, "alice", skip=[first]) != first
        assert {labels_store.queue_of(con, a, "alice") for a in test_ids} == {"test"}
        assert {labels_store.queue_of(con, a, "alice") for a in batch_ids} == {"train"}
        assert labels_store.queue_of(con, first, "bob") is None
        with pytest.raises(ValueError, match="queue"):
            labels_store.next_article(con, "alice", queue="gold")


def test_n_is_exactly_what_joins_the_labeling_queue(warehouse):
    """`--n 10` queued 30 (10 + a 20-article test set in the same queue); now it queues exactly 10 and
    says apart that the test set was frozen."""
    from labels.sampling import sample_summary

    path, _ = warehouse
    with open_db(path) as con:
        _b, plan = draw(con, SampleConfig(n=10, test_size=20, seed=1))
        assert len(plan.batch) == 10 and len(plan.test) == 20
        assert labels_store.progress(con, "anyone")["queued"] == 10
        lines = sample_summary(plan, 10, 20)
        assert lines[0].startswith("queued 10 articles for labeling (--n 10)")
        assert "froze the test set: 20 articles" in lines[1] and "not counted in --n" in lines[1]
        _b2, again = draw(con, SampleConfig(n=10, test_size=20, seed=2))
        assert len(again.batch) == 10 and again.test == []
        assert (
            sample_summary(again, 10, 20)[-1] == "the test set was frozen by an earlier sample: kept as it is"
        )
        assert labels_store.progress(con, "anyone")["queued"] == 20
        _b3, rest = draw(con, SampleConfig(n=500, test_size=20, seed=3))
        assert "candidates were left" in sample_summary(rest, 500, 20)[1]
