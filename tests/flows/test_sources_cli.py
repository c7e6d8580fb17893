"""`framewatch sources list | validate | add | health` on temporary files and a real DuckDB file."""

from __future__ import annotations

import shutil
from datetime import datetime

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.settings import DEFAULT_SOURCES
from flows.sources.registry import load_registry
from framewatch.cli.sources import app
from warehouse import collection
from warehouse.db import connect

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


@pytest.fixture()
def sources(tmp_path):
    path = tmp_path / "sources.toml"
    shutil.copy(DEFAULT_SOURCES, path)
    return path


@pytest.mark.parametrize("command", ["list", "validate", "add", "health"])
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output and len(result.output.splitlines()) > 5


def test_list_and_filter(sources):
    result = invoke("list", "--sources", str(sources), "--kind", "wire service")
    assert result.exit_code == 0, result.output
    assert "apnews.com" in result.output and "foxnews.com" not in result.output


def test_validate_bundled_registry(sources):
    result = invoke("validate", "--sources", str(sources))
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output


def test_validate_reports_errors_and_exits_nonzero(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "1"\n[[outlet]]\nslug = "x"\nname = "X"\ndomain = "x.example"\nkind = "zine"\n')
    result = invoke("validate", "--sources", str(bad))
    assert result.exit_code == 1
    assert "kind 'zine'" in result.output and "no feeds" in result.output


def test_validate_write_fills_leans_and_bumps_version(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'version = "2026.1.0"\n[[outlet]]\nslug = "a.example"\nname = "Alpha"\n'
        'domain = "a.example"\ncountry = "US"\nkind = "blog"\nfeeds = ["https://a.example/feed"]\n'
    )
    ratings = tmp_path / "r.parquet"
    pd.DataFrame(
        [("allsides", "as@1", "Alpha", None, "right", "2019-10-18")],
        columns=["rating_source", "rating_dataset", "outlet", "domain", "lean_3", "as_of"],
    ).to_parquet(ratings)
    assert invoke("validate", "--sources", str(path), "--write").exit_code == 1  # needs --ratings
    result = invoke("validate", "--sources", str(path), "--ratings", str(ratings), "--write")
    assert result.exit_code == 0, result.output
    reg = load_registry(path)
    assert reg.version == "2026.1.1" and reg.outlets[0].lean_prior == "right"
    assert reg.outlets[0].lean_source.startswith("AllSides 2019-10-18")


def test_add_then_refuse_duplicate(sources, tmp_path):
    before = load_registry(sources)
    args = [
        "add",
        "--sources",
        str(sources),
        "--name",
        "Springfield Gazette",
        "--domain",
        "springfield.example",
        "--country",
        "us",
        "--kind",
        "local paper",
        "--feed",
        "https://springfield.example/feed",
        "--sitemap",
        "https://springfield.example/news-sitemap.xml",
        "--ratings",
        str(tmp_path / "none.parquet"),
    ]
    result = invoke(*args)
    assert result.exit_code == 1 and "no ratings file" in result.output  # a wrong --ratings path is an error
    result = invoke(*args[:-2])
    assert result.exit_code == 0, result.output
    after = load_registry(sources)
    added = after.outlets[-1]
    assert added.outlet_id == "springfield.example" and added.country == "US" and len(added.feeds) == 2
    assert after.version != before.version and len(after.outlets) == len(before.outlets) + 1
    again = invoke(*args[:-2])
    assert again.exit_code == 1 and "already in" in again.output
    bad = invoke(
        "add",
        "--sources",
        str(sources),
        "--name",
        "Bad",
        "--domain",
        "bad.example",
        "--country",
        "US",
        "--kind",
        "pamphlet",
        "--feed",
        "https://bad.example/feed",
    )
    assert bad.exit_code == 1 and "not added" in bad.output and load_registry(sources) == after


def test_health_from_a_database(tmp_path):
    db = tmp_path / "fw.duckdb"
    con = connect(db)
    now = datetime(2026, 11, 20, 8)
    collection.record_feed_fetches(
        con,
        "r1",
        [
            {
                "feed_url": "https://a.example/feed",
                "outlet_id": "a",
                "kind": "rss",
                "fetched_at": now,
                "outcome": "failed",
                "reason": "http_503",
            }
        ],
    )
    con.close()
    result = invoke("health", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "http_503" in result.output and "1 feeds" in result.output
    missing = invoke("health", "--db", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 1 and "no database" in missing.output


def test_validate_online_fetches_each_feed_once(tmp_path, monkeypatch):
    from tests.flows.loopback import LoopbackServer, Reply
    from tests.flows.pages import rss

    monkeypatch.setenv("FRAMEWATCH_FETCH_PER_HOST_DELAY_S", "0")
    with LoopbackServer() as srv:
        srv.routes["/good.xml"] = Reply(200, rss([("https://a.example/1", "One")]))
        srv.routes["/bad.xml"] = Reply(200, b"<rss><channel><item><link>")
        path = tmp_path / "s.toml"
        path.write_text(
            'version = "1"\n[[outlet]]\nslug = "a.example"\nname = "A"\ndomain = "a.example"\n'
            f'country = "US"\nkind = "blog"\nfeeds = ["{srv.url("/good.xml")}", "{srv.url("/bad.xml")}"]\n'
        )
        result = invoke("validate", "--sources", str(path), "--online")
        hits = dict(srv.hits)
    assert result.exit_code == 1 and "1 of 2 feeds failed" in result.output
    assert "malformed_feed" in result.output
    assert hits == {"/robots.txt": 1, "/good.xml": 1, "/bad.xml": 1}
