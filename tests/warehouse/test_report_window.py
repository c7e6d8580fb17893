"""The report reads where the data is: on a warehouse collected in 2018 with one article dated 2025, the
default period holds the bulk of the data and says what it leaves out, and any range of months can be
chosen; the story tables follow the filters; one outlet chosen keeps rows their height; tooltips carry no
empty rows; every thread the report lists has a page; outlets left out are named."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.reporting.report import ReportOptions, report_notes, write_report
from tests.browser import CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, NO_CHROMIUM
from tests.warehouse.test_report import DATUMS
from warehouse.db import connect


def _data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="fw-data">(.*?)</script>', html, flags=re.S)
    assert found
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def stray_report(stray_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("stray_report") / "report.html"
    con = connect(stray_db, read_only=True)
    write_report(con, out)
    con.close()
    return out


def test_the_default_period_holds_the_bulk_of_the_data(stray_db, stray_report):
    con = connect(stray_db, read_only=True)
    total, first, last = con.execute(
        "select count(*), strftime(min(day), '%Y-%m'), strftime(max(day), '%Y-%m') from mart_articles"
    ).fetchone()
    in_2018 = con.execute("select count(*) from mart_articles where day < date '2019-01-01'").fetchone()[0]
    notes = report_notes(con)
    con.close()
    html = stray_report.read_text(encoding="utf-8")
    data = _data(html)
    start, end = data["window"]
    assert start.startswith("2018-") and end.startswith("2018-") and last == "2025-07"
    assert in_2018 == total - 1  # one stray
    cells = [
        dict(zip(data["datasets"]["slant_cells"]["columns"], r, strict=True))
        for r in data["datasets"]["slant_cells"]["rows"]
    ]
    months = data["datasets"]["slant_cells"]["dicts"]["month"]
    inside = sum(c["n"] for c in cells if start <= months[c["month"]] <= end)
    assert inside == in_2018 and inside / total > 0.95  # the window holds the bulk
    # every month can be chosen at both ends: any range, the stray one too
    assert data["months"][0] == first and data["months"][-1] == last and "2025-07" in data["months"]
    assert 'id="window-note"' in html and "1 article dated 2025-07-08 lies outside it" in html
    assert any("2025-07-08" in n for n in notes)
    for spec in data["specs"].values():  # the charts start on the window, not on the stray month
        values = {p["name"]: p.get("value") for p in spec["params"]}
        assert (values["f_from"], values["f_to"]) == (start, end)


def test_report_is_small_and_lists_a_page_for_every_thread(analyst_db, tmp_path):
    con = connect(analyst_db, read_only=True)
    out = write_report(con, tmp_path / "r.html", ReportOptions())
    threads = [r[0] for r in con.execute("select thread_id from threads where n_stories > 1").fetchall()]
    con.close()
    html = out.read_text(encoding="utf-8")
    for thread in threads:  # the demo's threads, the seeds' January and July stories among them
        if f'href="#story-{thread}"' in html:
            assert f'id="story-{thread}"' in html
    assert any("seed" in t or t.startswith("th-") for t in threads)
    data = _data(html)
    # cells are packed (column names once, texts as indexes): no per-row keys, no float noise
    assert set(data["datasets"]["frame_cells"]) == {"columns", "dicts", "rows"}
    assert "0000000" not in json.dumps(data["articles"])


def test_outlets_left_out_are_named(analyst_db):
    con = connect(analyst_db, read_only=True)
    notes = report_notes(con, ReportOptions(max_outlets=3))
    n = con.execute("select count(*) from outlet_summary").fetchone()[0]
    con.close()
    assert any(f"Showing the 3 outlets with the most articles of {n}" in x for x in notes)
    assert any(f"--outlets {n}" in x for x in notes)


def test_tooltips_have_no_empty_rows(stray_report):
    data = _data(stray_report.read_text(encoding="utf-8"))
    text = json.dumps(data["specs"])
    assert '"note"' not in text and "caution" not in text  # the under-10 caution rides on n itself


playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def page(stray_report, tmp_path_factory) -> Iterator[object]:
    shots = Path(os.environ.get("FRAMEWATCH_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1300, "height": 900})
        pg.errors, pg.shots = [], shots
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        pg.goto(stray_report.as_uri())
        pg.wait_for_selector("body[data-ready]", timeout=90_000)
        yield pg
        browser.close()


def _filtered(pg, action) -> None:
    pg.evaluate("document.body.dataset.filtered = ''")
    action()
    pg.wait_for_function("document.body.dataset.filtered")


@needs_chromium
def test_the_stray_warehouse_shows_its_weeks(page):
    assert page.evaluate("document.body.dataset.ready") == "1" and not page.errors
    points = page.evaluate(DATUMS, ["frames", "symbol", "share"])
    assert len(points) > 30  # the 2018 weeks, not the lone 2025 one
    assert all(p["n"] >= 1 and p["hi"] - p["lo"] > 0 for p in points)
    page.screenshot(path=str(page.shots / "report-stray-default.png"), full_page=True)
    _filtered(page, lambda: page.click("#period-all"))
    assert len(page.evaluate(DATUMS, ["frames", "symbol", "share"])) > len(points)
    _filtered(page, lambda: page.click("#period-bulk"))


@needs_chromium
def test_tables_follow_the_filters_and_one_outlet_keeps_rows_small(page):
    rows = page.locator("table.stories tr[data-stories]")
    before = rows.count()
    visible = lambda: page.locator("table.stories tr[data-stories]:not([hidden])").count()  # noqa: E731
    shown = visible()
    assert 0 < shown <= before  # the stories of the default period (a story of the stray article is not)
    height = page.locator("#chart-slant svg").first.bounding_box()["height"]
    outlet = page.locator("#filter-outlet option").nth(1).get_attribute("value")
    _filtered(page, lambda: page.select_option("#filter-outlet", outlet))
    assert page.locator("#chart-slant svg").first.bounding_box()["height"] < height / 2
    page.screenshot(path=str(page.shots / "report-stray-one-outlet.png"), full_page=True)
    _filtered(page, lambda: page.select_option("#filter-outlet", "All"))
    months = page.locator("#filter-from option").all_inner_texts()
    _filtered(page, lambda: page.select_option("#filter-from", months[-1]))  # the stray month alone
    _filtered(page, lambda: page.select_option("#filter-to", months[-1]))
    assert visible() < shown
    _filtered(page, lambda: page.click("#period-bulk"))
    assert visible() == shown
    assert not page.errors
