"""The HTML report: one self-contained file that works offline, its charts carry the marts' numbers, filters
and drill-down work in headless Chromium (Playwright driving Debian's chromium, network blocked), story
pages put outlets side by side, untrusted titles stay text; and the markdown summary.

Screenshots go to FRAMEWATCH_SCREENSHOTS (default: the test's tmp dir)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from flows.reporting.report import markdown_summary, write_report
from tests.browser import CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, NO_CHROMIUM
from tests.warehouse.corpus import _article, _prediction
from tests.warehouse.test_stories import SEED_IDS
from warehouse import load
from warehouse.db import connect
from warehouse.marts import refresh_marts
from warehouse.predictions import insert_predictions

HOSTILE_TITLE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> Lakeport'
# the data of a chart's mark items of one type that carry a key (legends' items do not)
DATUMS = """([name, type, key]) => {
  const out = [];
  const walk = (node) => {
    if (!node) return;
    if (node.marktype === type) {
      for (const item of node.items || []) if (item.datum && key in item.datum) out.push(item.datum);
      return;
    }
    for (const item of node.items || []) walk(item);
  };
  walk(window.framewatch.views[name].scenegraph().root);
  return JSON.parse(JSON.stringify(out));
}"""


@pytest.fixture(scope="module")
def report_db(analyst_db, tmp_path_factory) -> Path:
    """The analyst warehouse plus one article whose title and URL are hostile."""
    path = tmp_path_factory.mktemp("report_db") / "report.duckdb"
    shutil.copyfile(analyst_db, path)
    con = connect(path)
    row = _article(
        "zz-hostile", "iron-lantern", HOSTILE_TITLE, "Lakeport police and ICE. " * 20, date(2026, 11, 19)
    )
    row["url"] = "javascript:window.pwned = 3"
    load.insert_articles(con, [row])
    insert_predictions(
        con,
        [
            _prediction(
                "zz-hostile", ["Political"], "Political", "right", "negative", "Lakeport police.", "writer-v1"
            )
        ],
    )
    refresh_marts(con)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture(scope="module")
def report(report_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    con = connect(report_db, read_only=True)
    write_report(con, out)
    con.close()
    return out


def test_one_self_contained_file_with_escaped_text(report):
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link[^>]+stylesheet", html)
    assert "vegaEmbed" in html and "window.vegaEmbed" in html  # Vega, Vega-Lite and vega-embed inlined
    assert "<script>window.pwned" not in html and 'onerror="window.pwned' not in html
    assert "javascript:window.pwned" not in re.sub(
        r'<script type="application/json".*?</script>', "", html, flags=re.S
    )


def test_markdown_summary(analyst_db):
    md = markdown_summary(connect(analyst_db, read_only=True))
    assert md.startswith("# framewatch summary") and "| The Iron Lantern | right | 8 |" in md
    assert "Shift check: No week tested yet" in md
    assert "## Stories across outlets" in md and "| 3 | C2 R1 | th-il-lakeport-ice-1 (6 stories) |" in md
    # no demo story passes the blindspot bar one side missed (tests/warehouse/test_story_cli.py makes one)
    assert "## Blindspots: covered by one side only\n\nNone." in md


def test_markdown_summary_states_the_last_shift_check(corpus_copy):
    from flows.analysis.shifts import detect_shifts

    con = connect(corpus_copy)
    summary = detect_shifts(con, date(2026, 11, 16))["summary"]
    md = markdown_summary(con)
    assert "2026-11-16" in summary and f"Shift check: {summary}" in md


playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def page(report, tmp_path_factory) -> Iterator[object]:
    shots = Path(os.environ.get("FRAMEWATCH_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1300, "height": 900})
        pg.errors, pg.outside, pg.shots = [], [], shots
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:  # the network is blocked: anything else is a failure of the test
                pg.outside.append(r.request.url)
                r.abort()

        pg.route("**/*", route)
        pg.goto(report.as_uri())
        pg.wait_for_selector("body[data-ready]", timeout=90_000)
        yield pg
        browser.close()


def _count(pg, selector: str) -> int:
    return pg.locator(selector).count()


def _whole_period(pg) -> None:
    pg.evaluate("document.body.dataset.filtered = ''")
    pg.click("#period-all")
    pg.wait_for_function("document.body.dataset.filtered")


@needs_chromium
def test_charts_render_offline_with_the_marts_numbers(page, report_db):
    assert page.evaluate("document.body.dataset.ready") == "1", page.errors
    assert not page.errors and not page.outside
    assert page.evaluate("window.pwned") is None  # the hostile title never ran
    page.screenshot(path=str(page.shots / "report.png"), full_page=True)
    _whole_period(page)  # the marts' 'all' grain: every month, the 2025 seeds too
    for name in ("slant", "frames", "lift"):
        assert _count(page, f"#chart-{name} svg .role-mark path, #chart-{name} svg .role-mark text") > 10
        page.locator(f"#chart-{name}").screenshot(path=str(page.shots / f"report-{name}.png"))
    con = connect(report_db, read_only=True)
    lifts = {
        (o, f): (lift, n)
        for o, f, lift, n in con.execute(
            "select outlet_id, frame, lift, n_articles from frame_lift where grain = 'all' and topic = '*'"
        ).fetchall()
    }
    drawn = page.evaluate(DATUMS, ["lift", "rect", "lift"])
    assert len(drawn) == len(lifts) > 100
    for d in drawn:
        lift, n = lifts[(d["outlet_id"], d["frame"])]
        assert d["lift"] == pytest.approx(lift, rel=1e-6) and d["n"] == n
    slants = {
        o: (score, lo, hi, n)
        for o, score, lo, hi, n in con.execute(
            "select outlet_id, slant_score, slant_score_lo, slant_score_hi, n_articles from slant_share "
            "where grain = 'all' and topic = '*'"
        ).fetchall()
    }
    points = page.evaluate(DATUMS, ["slant", "symbol", "outlet_id"])
    assert {d["outlet_id"] for d in points} == set(slants)
    for d in points:
        score, lo, hi, n = slants[d["outlet_id"]]
        assert (d["score"], d["lo"], d["hi"], d["n"]) == pytest.approx((score, lo, hi, n), abs=1e-6)
    # lean-ordered: left outlets first, then center, right, unknown
    labels = page.locator("#chart-slant svg .role-axis-label text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    leans = [re.search(r"\((left|center|right|unknown), n=\d+\)", t).group(1) for t in labels if ", n=" in t]
    assert leans == sorted(leans, key=["left", "center", "right", "unknown"].index) and len(leans) == len(
        slants
    )


@needs_chromium
@pytest.mark.usefixtures("corpus_seeds")  # month 2025-01 is a seed's
def test_filters_show_fewer_marks(page):
    marks = (("lift", "rect", "lift"), ("frames", "symbol", "share"))
    before = {m[0]: len(page.evaluate(DATUMS, list(m))) for m in marks}
    page.select_option("#filter-outlet", "iron-lantern")
    page.wait_for_function("document.body.dataset.filtered")
    after = {m[0]: len(page.evaluate(DATUMS, list(m))) for m in marks}
    assert after["lift"] == 15 < before["lift"] and 0 < after["frames"] < before["frames"]
    page.locator("#chart-lift").screenshot(path=str(page.shots / "report-lift-iron-lantern.png"))
    page.select_option("#filter-outlet", "All")
    page.select_option("#filter-topic", "immigration")
    page.wait_for_timeout(300)
    topic = len(page.evaluate(DATUMS, ["frames", "symbol", "share"]))
    assert 0 < topic < before["frames"]
    assert "articles in view" in page.locator("#filter-count").inner_text()
    page.select_option("#filter-topic", "All")
    months = page.locator("#filter-from option").all_inner_texts()
    assert months == sorted(months) and {"2025-01", "2026-10"} <= set(months)  # any range can be chosen
    assert months == page.locator("#filter-to option").all_inner_texts()
    page.select_option("#filter-from", "2026-10")
    page.select_option("#filter-to", "2026-10")
    page.wait_for_timeout(300)
    assert 0 < len(page.evaluate(DATUMS, ["frames", "symbol", "share"])) < before["frames"]
    page.click("#period-bulk")
    page.wait_for_timeout(300)
    assert not page.errors


@needs_chromium
def test_click_a_point_lists_its_articles(page):
    assert page.locator("#drill").is_hidden()
    page.select_option("#filter-outlet", "iron-lantern")
    page.wait_for_timeout(300)
    page.locator("#chart-lift .role-mark text").first.click()  # a cell of the Iron Lantern
    page.wait_for_selector("#drill:not([hidden])")
    title = page.locator("#drill-title").inner_text()
    assert title.startswith("9 articles: The Iron Lantern, by P(")
    items = page.locator("#drill-list li")
    assert items.count() == 9
    texts = items.all_inner_texts()
    assert any("Lakeport's sanctuary stunt is about the mayor's next campaign" in t for t in texts)
    # the hostile title is listed as text, and its javascript: URL is not a link
    assert any(HOSTILE_TITLE in t for t in texts) and page.evaluate("window.pwned") is None
    hrefs = page.locator("#drill-list a.title").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    page.locator("#drill").screenshot(path=str(page.shots / "report-drill.png"))
    page.select_option("#filter-outlet", "All")
    # a point of the frames over time: that week's articles of that lean group, most likely first
    page.wait_for_timeout(300)
    point = page.evaluate(DATUMS, ["frames", "symbol", "share"])[0]
    page.locator("#chart-frames .role-mark.mark-symbol path").first.dispatch_event("click")
    title = page.locator("#drill-title").inner_text()
    assert re.match(
        r"\d+ articles: week of \d{4}-\d\d-\d\d, (left|center|right|unknown) outlets, by P\(", title
    )
    n = int(title.split()[0])
    assert n == point["n"] and page.locator("#drill-list li").count() == min(n, 60)


@needs_chromium
def test_story_pages_put_outlets_side_by_side(page, report):
    page.goto(report.as_uri() + "#story-st-il-lakeport-ice-1")
    section = page.locator("#story-st-il-lakeport-ice-1")
    assert section.is_visible() and page.locator("main").is_hidden()
    sides = section.locator(".side")
    assert sides.count() == 3  # the detainer policy announced: three outlets' first reports
    leans = [c.split()[-1] for c in sides.evaluate_all("els => els.map(e => e.className)")]
    assert leans == sorted(leans, key=["left", "center", "right", "unknown"].index)
    assert section.locator(".side .emph").count() == 3 and section.locator(".evidence").count() >= 3
    page.screenshot(path=str(page.shots / "story-lakeport.png"), full_page=True)
    thread = f"story-th-{SEED_IDS[0]}"
    if page.locator(f"#{thread}").count():
        page.goto(report.as_uri() + "#" + thread)
        seeds = page.locator(f"#{thread}")
        assert seeds.is_visible()
        names = seeds.locator(".side h3").all_inner_texts()
        assert [n.split()[0] for n in names] == ["Fox", "Seed"]  # January and July, side by side
        assert "2 stories" in seeds.locator(".meta").first.inner_text()
        page.screenshot(path=str(page.shots / "story-seeds-thread.png"), full_page=True)
    assert not page.errors


def test_report_out_a_folder_writes_into_it_and_a_failed_write_leaves_nothing(report_db, tmp_path):
    """Issue 20, point 9: `report --out DIR` raised IsADirectoryError and left a 1.3 MB temporary file."""
    from typer.testing import CliRunner

    from framewatch.cli import app
    from tests.clichecks import one_clear_line

    folder = tmp_path / "reports"
    folder.mkdir()
    result = CliRunner().invoke(app, ["report", "--db", str(report_db), "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["framewatch-report.html"]
    blocked = tmp_path / "blocked.html"
    blocked.mkdir()  # the report's own name is taken by a folder: the rename fails
    (blocked / "x").write_text("kept")
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(OSError):
        con = connect(report_db, read_only=True)
        try:
            write_report(con, blocked / ".." / "blocked.html")
        finally:
            con.close()
    assert not list(tmp_path.glob(".*.tmp")) and (blocked / "x").read_text() == "kept"
    one_clear_line(CliRunner().invoke(app, ["report", "--db", str(report_db), "--out", "/proc/version"]))
