"""Collection bookkeeping in a real DuckDB file, wired the way the monitor flow does it: feed fetches
(health, validators for conditional GET), paywall/charset metadata, MinHash signatures, syndication
links. A second run asks conditionally, gets 304s, and stores nothing twice."""

from __future__ import annotations

import asyncio

import pytest

from flows.sources.collect import CollectResult, collect_async
from flows.sources.dedup import dedupe_and_link
from flows.sources.neardup import MinHashConfig, NearDupIndex
from flows.sources.registry import Feed
from flows.sources.settings import FetchSettings
from tests.flows.loopback import LoopbackServer, Reply
from tests.flows.pages import article_html, paragraphs, rss
from warehouse import collection, load
from warehouse.db import connect

HTML = {"Content-Type": "text/html; charset=utf-8"}
WIRE = paragraphs(21, n=6)
PAYWALL = '<meta property="article:content_tier" content="locked">'
SETTINGS = FetchSettings(per_host_delay_s=0.0, max_retries=0, total_timeout_s=5, extract_workers=1)


def store(con, result: CollectResult, run_id: str) -> dict[str, int]:
    """What the monitor flow does after collect (see the wiring in the collection issue's report)."""
    cfg = MinHashConfig()
    collection.record_feed_fetches(con, run_id, result.feed_status)
    hashes = collection.known_hashes(con)
    index = NearDupIndex.from_rows(
        collection.recent_minhashes(con, cfg.scheme, cfg.num_perm, cfg.seed, cfg.shingle_words, days=30), cfg
    )
    outcome = dedupe_and_link(result.articles, hashes, index, run_id, prior_links=result.links)
    added = set(load.insert_articles(con, outcome.fresh))
    stored = [r for r in outcome.fresh if r["article_id"] in added]
    collection.record_article_collection(con, run_id, stored)
    collection.record_minhashes(con, [s for s in outcome.signatures if s["article_id"] in added])
    collection.record_links(con, outcome.links)
    return {"added": len(added), "near": outcome.near_duplicates, "exact": outcome.exact_duplicates}


def collect(feeds, known, validators):
    return asyncio.run(collect_async(feeds, known, settings=SETTINGS, validators=validators))


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "fw.duckdb"
    with LoopbackServer() as srv:
        pages = {
            "/wire/1.html": article_html("Storm hits coast", WIRE),
            "/local/1.html": article_html(
                "Storm hits coast", ["HARBOR CITY (AP) \u2014 " + WIRE[0], *WIRE[1:]]
            ),
            "/other/1.html": article_html("Team wins", paragraphs(22)),
            "/locked/1.html": article_html("Locked", paragraphs(23), head=PAYWALL),
            "/copy/1.html": article_html("Storm hits coast", WIRE),  # word-for-word reprint
        }
        for path, body in pages.items():
            srv.routes[path] = Reply(200, body.encode(), HTML)

        def feed_route(handler):
            if handler.headers.get("If-None-Match") == '"f1"':
                return Reply(304, b"", {"ETag": '"f1"'})
            return Reply(200, rss([(srv.url(p), p) for p in pages]), {"ETag": '"f1"'})

        srv.routes["/feed.xml"] = feed_route
        srv.routes["/broken.xml"] = Reply(500, b"")
        feeds = [Feed(srv.url("/feed.xml"), "wire"), Feed(srv.url("/broken.xml"), "wire")]
        con = connect(db)
        try:
            first = collect(feeds, set(), collection.feed_validators(con))
            stored1 = store(con, first, "run-1")
            known = {r[0] for r in con.execute("select article_id from articles").fetchall()}
            validators = collection.feed_validators(con)
            second = collect(feeds, known, validators)
            stored2 = store(con, second, "run-2")
            health = collection.feed_health(con)
            synd = collection.syndication(con)
            tables = {
                t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in (
                    "articles",
                    "article_collection",
                    "article_minhashes",
                    "article_links",
                    "feed_fetches",
                )
            }
            paywalled = con.execute(
                "select a.title, c.paywall_signal from article_collection c "
                "join articles a using (article_id) where c.paywalled"
            ).fetchall()
        finally:
            con.close()
        feed_hits = srv.hits["/feed.xml"]
    return locals()


def test_first_run_stores_links_and_metadata(two_runs):
    first, stored1, tables = two_runs["first"], two_runs["stored1"], two_runs["tables"]
    assert len(first.articles) == 4 and first.counts["exact_duplicates"] == 1  # copy dropped in the batch
    assert stored1 == {"added": 4, "near": 1, "exact": 0}
    assert tables["articles"] == 4 and tables["article_collection"] == 4 and tables["article_minhashes"] == 4
    assert tables["article_links"] == 2  # one near copy, one exact copy
    assert two_runs["paywalled"] == [("Locked", "content_tier_locked")]


def test_syndication_is_countable(two_runs):
    columns, rows = two_runs["synd"]
    (story,) = [dict(zip(columns, r, strict=True)) for r in rows]
    assert story["title"] == "Storm hits coast" and story["near_copies"] == 1 and story["exact_copies"] == 1


def test_second_run_asks_conditionally_and_adds_nothing(two_runs):
    second, stored2, validators = two_runs["second"], two_runs["stored2"], two_runs["validators"]
    assert list(validators.values()) == [('"f1"', None)]
    assert second.counts.get("feeds_not_modified") == 1 and second.articles == []
    assert stored2 == {"added": 0, "near": 0, "exact": 0}
    assert two_runs["feed_hits"] == 2 and two_runs["tables"]["feed_fetches"] == 4


def test_feed_health_counts_failures_in_a_row(two_runs):
    columns, rows = two_runs["health"]
    health = {
        r[columns.index("feed_url")].rsplit("/", 1)[-1]: dict(zip(columns, r, strict=True)) for r in rows
    }
    assert health["broken.xml"]["failures_in_a_row"] == 2 and health["broken.xml"]["last_success"] is None
    assert health["broken.xml"]["last_reason"] == "http_500"
    assert (
        health["feed.xml"]["failures_in_a_row"] == 0 and health["feed.xml"]["last_outcome"] == "not_modified"
    )
    assert health["feed.xml"]["items_last"] == 5 and health["feed.xml"]["new_items_7d"] == 5
    assert rows[0][columns.index("feed_url")].endswith("broken.xml")  # the worst first
