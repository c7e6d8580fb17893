"""The HTML report carries the warehouse's numbers in its charts; it renders in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from flows.reporting.report import markdown_summary, write_report
from warehouse.db import connect

CHROMIUM = Path("/usr/bin/chromium")


class _Marks(HTMLParser):
    """Collect every element with data-* attributes, plus scripts and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[str, dict[str, str]]] = []
        self.external: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if any(k.startswith("data-") for k in a):
            self.marks.append((tag, a))
        for key in ("src", "href"):
            if a.get(key, "").startswith(("http:", "https:", "//")):
                self.external.append(a[key])


@pytest.fixture(scope="module")
def report(corpus_db, tmp_path_factory) -> tuple[Path, _Marks]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    con = connect(corpus_db, read_only=True)
    write_report(con, out)
    con.close()
    parser = _Marks()
    parser.feed(out.read_text(encoding="utf-8"))
    return out, parser


def test_charts_contain_the_data(report, corpus_db):
    _out, html = report
    assert "script" not in html.tags and not html.external  # self-contained
    con = connect(corpus_db, read_only=True)
    cells = {
        (a["data-outlet"], a["data-frame"]): float(a["data-share"])
        for t, a in html.marks
        if t == "rect" and "data-frame" in a
    }
    expected = con.execute(
        "select outlet_id, frame, share from frame_share where grain = 'all' and topic = '*'"
    ).fetchall()
    assert len(expected) > 50
    for outlet, frame, share in expected:
        assert cells[(outlet, frame)] == pytest.approx(share, abs=1e-4)
    bars = {
        (a["data-outlet"], a["data-slant"]): float(a["data-share"])
        for t, a in html.marks
        if "data-slant" in a
    }
    for outlet, left, center, right in con.execute(
        "select outlet_id, slant_left, slant_center, slant_right from outlet_summary"
    ).fetchall():
        assert bars[(outlet, "left")] == pytest.approx(left, abs=1e-4)
        assert bars[(outlet, "right")] == pytest.approx(right, abs=1e-4)
        assert bars[(outlet, "center")] == pytest.approx(center, abs=1e-4)
    points = [
        (a["data-outlet"], a["data-frame"], a["data-week"], float(a["data-share"]))
        for t, a in html.marks
        if t == "circle"
    ]
    weekly = {
        (o, f, str(w)): s
        for o, f, w, s in con.execute(
            "select outlet_id, frame, week, share from frame_share_weekly"
        ).fetchall()
    }
    assert len(points) > 50
    for outlet, frame, week, share in points:
        assert weekly[(outlet, frame, week)] == pytest.approx(share, abs=1e-4)


def test_story_tables_and_markdown_summary(report, corpus_db):
    out, html = report
    text = out.read_text(encoding="utf-8")
    stories = [a["data-story"] for t, a in html.marks if t == "table"]
    assert len(stories) == 5
    assert "Lakeport police to stop honoring federal immigration detainers" in text
    md = markdown_summary(connect(corpus_db, read_only=True))
    assert md.startswith("# framewatch summary") and "| The Iron Lantern | right | 8 |" in md
    assert "## Stories across outlets" in md


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless Chromium not installed (apt-get install chromium)"
)
def test_report_renders_in_headless_chromium(report, tmp_path):
    out, _ = report
    png = tmp_path / "report.png"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,2400",
        f"--screenshot={png}",
        out.as_uri(),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a blank page is a few kB
    dom = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile2'}",
            "--dump-dom",
            out.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert dom.count("<svg") >= 3 and "Outlet × frame" in dom
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
