"""The bundled source registry and its tools: validation, the lean-prior join, the canonical writer."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from flows.settings import DEFAULT_SOURCES
from flows.sources.ratings import Ratings, join_leans, name_key
from flows.sources.registry import (
    KINDS,
    Outlet,
    SourceError,
    bump_version,
    check_registry,
    dump_registry,
    load_registry,
    write_registry,
)


def test_bundled_registry_is_valid_and_broad():
    errors, _warnings = check_registry(DEFAULT_SOURCES)
    assert errors == []
    reg = load_registry(DEFAULT_SOURCES)
    assert reg.version and reg.schema == 1
    assert len(reg.outlets) >= 40
    kinds = Counter(o.kind for o in reg.outlets)
    for kind in ("wire service", "national paper", "tv network", "partisan site", "local paper", "blog"):
        assert kinds[kind] >= 2 or (kind == "wire service" and kinds[kind] >= 1), kind
    leans = Counter(o.lean_prior for o in reg.outlets)
    assert leans["left"] >= 8 and leans["right"] >= 8 and leans["center"] >= 5  # across the spectrum
    assert all(o.lean_source for o in reg.outlets if o.lean_prior)
    assert all(o.feeds for o in reg.outlets)
    assert sum(f.kind == "sitemap" for f in reg.feeds) >= 3
    # tests never contact these: every URL is a real outlet's, never loopback
    assert not any("127.0.0.1" in f.url or "localhost" in f.url for f in reg.feeds)


def test_bundled_leans_match_the_ratings_table(data_dir):
    reg = load_registry(DEFAULT_SOURCES)
    _outlets, changes = join_leans(reg.outlets, Ratings.load(data_dir / "outlet_ratings.parquet"))
    assert {c.status for c in changes} <= {"same", "unknown", "manual"}


GOOD = """
schema = 1
version = "2026.1.0"

[[outlet]]
slug = "a.example"
name = "Alpha News"
domain = "a.example"
country = "US"
kind = "local paper"
feeds = ["https://a.example/feed"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('feed = ["https://a.example/x"]', "unknown keys ['feed']"),
        ('lean = "left"', "no lean_source"),
    ],
)
def test_check_reports_what_to_fix(tmp_path, extra, message):
    errors, _ = check_registry(write(tmp_path, GOOD + extra + "\n"))
    assert any(message in e for e in errors), errors


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('kind = "local paper"', 'kind = "newspaper"', "use one of"),
        ('country = "US"', 'country = "USA"', "ISO 3166-1"),
        ('domain = "a.example"', 'domain = "https://a.example/"', "bare lower-case host"),
        ('version = "2026.1.0"', "", "no top-level `version`"),
    ],
)
def test_check_field_errors(tmp_path, old, new, message):
    errors, _ = check_registry(write(tmp_path, GOOD.replace(old, new)))
    assert any(message in e for e in errors), errors


def test_an_outlet_without_feeds_is_a_warning(tmp_path):
    """An outlet known only through imports (its name and lean for imported records) collects nothing."""
    errors, warnings = check_registry(
        write(tmp_path, GOOD.replace('feeds = ["https://a.example/feed"]', "feeds = []"))
    )
    assert errors == [] and any("no feeds and no sitemaps" in w for w in warnings), warnings


@pytest.mark.parametrize("slug", ["../../etc", "[/x]", "A.example", "a b", "-a", "a..b"])
def test_a_slug_that_is_not_a_plain_id_is_refused(tmp_path, slug):
    with pytest.raises(SourceError, match="not a plain id"):
        load_registry(write(tmp_path, GOOD.replace('slug = "a.example"', f"slug = {json.dumps(slug)}")))


def test_hard_errors_raise(tmp_path):
    with pytest.raises(SourceError, match="not an http"):
        load_registry(write(tmp_path, GOOD.replace("https://a.example/feed", "ftp://a.example/feed")))
    with pytest.raises(SourceError, match="used twice"):
        load_registry(write(tmp_path, GOOD + GOOD.split("\n", 3)[3]))
    assert check_registry(tmp_path / "missing.toml")[0][0].startswith("no sources file")


def test_writer_round_trips_and_keeps_notes(tmp_path):
    reg = load_registry(DEFAULT_SOURCES)
    out = write_registry(reg, tmp_path / "copy.toml")
    again = load_registry(out)
    assert again == reg
    assert dump_registry(again) == out.read_text()


def test_bump_version():
    assert bump_version("2026.11.0") == "2026.11.1"
    assert bump_version("7") == "8"
    assert bump_version(None) == "1"
    assert bump_version("beta") == "beta.1"


@pytest.fixture()
def ratings_file(tmp_path) -> Path:
    """A tiny invented ratings table in the shared schema's columns."""
    rows = [
        # AllSides rows carry names, not domains
        ("allsides", "allsider@x", "Alpha News", None, "left", "2019-10-18"),
        ("allsides", "allsider@x", "Alpha News - Opinion", None, "right", "2019-10-18"),
        ("allsides", "allsider@x", "Gamma Online News", None, "center", "2019-10-18"),
        # MBFC rows by domain: the newest snapshot with one three-way lean wins
        ("mbfc", "mbfc-2026", None, "beta.example", None, "2026-08-19"),  # e.g. rated 'questionable'
        ("mbfc", "mbfc-2020", None, "www.beta.example", "right", "2020"),
        ("mbfc", "mbfc-2026", None, "delta.example", "left", "2026-08-19"),
        ("mbfc", "mbfc-2026", None, "delta.example", "center", "2026-08-19"),  # disagrees with itself
        ("mbfc", "mbfc-2018", None, "delta.example", "center", "2018"),
    ]
    frame = pd.DataFrame(
        rows, columns=["rating_source", "rating_dataset", "outlet", "domain", "lean_3", "as_of"]
    )
    path = tmp_path / "outlet_ratings.parquet"
    frame.to_parquet(path)
    return path


def test_lean_join_order_and_sources(ratings_file):
    ratings = Ratings.load(ratings_file)
    outlets = [
        Outlet("a.example", "Alpha News", "a.example"),
        Outlet("beta.example", "Beta", "beta.example"),
        Outlet("gamma.example", "The Gamma News", "gamma.example"),
        Outlet("delta.example", "Delta", "delta.example"),
        Outlet("eps.example", "Epsilon", "eps.example"),
        Outlet(
            "zeta.example", "Zeta", "zeta.example", lean_prior="left", lean_source="manual: editor's call"
        ),
    ]
    updated, changes = join_leans(outlets, ratings)
    got = {o.outlet_id: (o.lean_prior, o.lean_source) for o in updated}
    assert got["a.example"] == ("left", "AllSides 2019-10-18 (allsider@x) via outlet_ratings.parquet")
    assert got["beta.example"][0] == "right" and "2020 (mbfc-2020)" in got["beta.example"][1]
    assert got["gamma.example"][0] == "center"
    assert got["delta.example"][0] == "center" and "mbfc-2018" in got["delta.example"][1]
    assert got["eps.example"] == (None, None)
    assert got["zeta.example"] == ("left", "manual: editor's call")
    assert [c.status for c in changes] == ["filled", "filled", "filled", "filled", "unknown", "manual"]


def test_name_keys():
    assert name_key("The New York Times") == name_key("New York Times - News")
    assert name_key("CNN") == name_key("CNN (Web News)")
    assert name_key("TheBlaze") == name_key("TheBlaze.com")
    assert name_key("CNN") != name_key("CNN - Editorial")


def test_kinds_cover_the_issue():
    assert {"wire service", "national paper", "tv network", "partisan site", "local paper", "blog"} <= set(
        KINDS
    )


def test_an_allsides_row_without_a_lean_gives_no_lean(tmp_path):
    """A rating row whose lean is missing (NaN in the Parquet file) is no lean, never a float that a
    later write of the outlets table chokes on (an import of real articles crashed on it)."""
    frame = pd.DataFrame(
        [("allsides", "allsides-2019", "Omega News", None, None, "2019")],
        columns=["rating_source", "rating_dataset", "outlet", "domain", "lean_3", "as_of"],
    )
    frame["lean_3"] = frame["lean_3"].astype(float)  # as pandas reads an all-missing column
    frame.to_parquet(tmp_path / "outlet_ratings.parquet")
    ratings = Ratings.load(tmp_path / "outlet_ratings.parquet")
    assert ratings.lean_for(Outlet("omega.example", "Omega News", "omega.example")) is None
