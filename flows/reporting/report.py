"""`framewatch report`: one self-contained HTML file that works offline (Vega-Lite charts through Altair,
with the Vega JavaScript inlined; filters by outlet, topic and period; tooltips with n and 90% intervals;
click a point for the articles behind it; a page per story with its outlets side by side), and the same
summary as Markdown for a Prefect artifact after each monitoring run.

Article text is untrusted: the template escapes it, the page's script only sets it as text, and the data
the page carries is JSON with <, > and & escaped."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from flows.analysis.story_view import coverage_by_lean, side_by_side
from flows.reporting import charts
from flows.reporting.assets import TEMPLATES, page_script, page_style, script_json, vega_bundle
from warehouse.report_data import ReportOptions, gather

log = logging.getLogger(__name__)

LEAN_RANK = {"left": 0, "center": 1, "right": 2}


def _weeks_before(week: str | None, n: int) -> str:
    """The Monday n weeks before `week` (ISO), or the epoch without data."""
    if not week:
        return "1970-01-05"
    return (date.fromisoformat(week) - timedelta(weeks=n)).isoformat()


def periods(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The period filter's choices (value, label) after 'All': the last 4, 13 and 52 weeks, then months."""
    last = data["last_week"]
    out = [(f"since:{_weeks_before(last, n - 1)}", f"last {n} weeks") for n in (4, 13, 52)] if last else []
    return out + [(m, m) for m in data["months"]]


def shift_line(check: dict[str, Any] | None) -> str:
    """The last shift check in one line: which week was tested and what (or why nothing) fired."""
    if not check:
        return "No week tested yet (the report flow runs the check after each run; or `framewatch shifts`)."
    summary = str(check["summary"])
    return summary if summary.startswith("week of") else f"week of {check['week']}: {summary}"


def _page_ids(data: dict[str, Any]) -> list[str]:
    """Stories of several outlets and threads of several stories get a page (and the stories of a thread
    that has one, so its side-by-side links resolve)."""
    ids = [s["story_id"] for s in data["stories"] if s["n_outlets"] > 1]
    ids += [t["thread_id"] for t in data["threads"]]
    ids += [b["story_id"] for b in data["blindspots"]]
    return list(dict.fromkeys(ids))


def _datasets(data: dict[str, Any]) -> dict[str, Any]:
    outlets = [
        {
            "outlet_id": o["outlet_id"],
            "outlet": o["outlet"],
            "lean": o["lean_prior"] or "unknown",
            "lean_rank": LEAN_RANK.get(o["lean_prior"] or "", 3),
        }
        for o in data["outlets"]
    ]
    return {"outlets": outlets, "frame_cells": data["frame_cells"], "slant_cells": data["slant_cells"]}


def render_html(con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions()) -> str:
    data = gather(con, opts)
    pages = [p for p in (side_by_side(con, pid) for pid in _page_ids(data)) if p is not None]
    n_outlets = max(len(data["outlets"]), 1)
    page_data = {
        "specs": {
            "slant": charts.slant_chart(n_outlets),
            "frames": charts.frames_over_time(data["top_frames"], _weeks_before(data["last_week"], 51)),
            "lift": charts.lift_heatmap(data["frames"], n_outlets),
        },
        "datasets": _datasets(data),
        "articles": data["articles"],
        "articles_capped": len(data["articles"]) < data["articles_total"],
        "prob_frames": data["prob_frames"],
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
        overview=data["overview"],
        shift_line=shift_line(data["shift_check"]),
        outlets=data["outlets"],
        topics=data["topics"],
        periods=periods(data),
        top_frames=data["top_frames"],
        stories=data["stories"],
        threads=data["threads"],
        blindspots=data["blindspots"],
        alerts=data["alerts"],
        story_pages=pages,
        pages={p.id for p in pages},
        css=page_style(),
        vega_bundle=vega_bundle(),
        page_js=page_script(),
        data_json=script_json(page_data),
    )


def write_report(
    con: duckdb.DuckDBPyConnection, path: Path | str, opts: ReportOptions = ReportOptions()
) -> Path:
    """Render the report to `path` (written whole, then renamed into place)."""
    path = Path(path)
    html = render_html(con, opts)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed write (a folder there, no room) leaves no temporary file
        raise
    log.info("report written to %s", path)
    return path


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.0%}"


def markdown_summary(con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions()) -> str:
    """The report's summary as Markdown (for a Prefect artifact after each run): outlets, the shift check's
    one-line summary and its alerts, stories across outlets, blindspots."""
    data = gather(con, opts, charts=False)
    ov = data["overview"]
    lines = [
        "# framewatch summary",
        f"Model **{ov['model_version']}** - {ov['n_articles']} articles from {ov['n_outlets']} outlets, "
        f"{ov['first_day']} to {ov['last_day']}; {ov['n_stories']} stories covered by several outlets.",
        "",
        "## Outlets",
        "",
        "| outlet | lean prior | articles | left | center | right | tone | top frames |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for o in data["outlets"]:
        lines.append(
            f"| {_md(o['outlet'])} | {o['lean_prior'] or '?'} | {o['n_articles']} | "
            f"{_pct(o['slant_left'])} | "
            f"{_pct(o['slant_center'])} | {_pct(o['slant_right'])} | {o['mean_tone']:+.2f} | "
            f"{o['top_frames'] or ''} |"
        )
    lines += [
        "",
        "## Shift alerts (latest week tested)",
        "",
        f"Shift check: {_md(shift_line(data['shift_check']))}",
        "",
    ]
    if data["alerts"]:
        lines += ["| week | outlet | what | change | q |", "|---|---|---|---|---:|"]
        for a in data["alerts"]:
            lines.append(
                f"| {a['week']} | {_md(a['outlet'])} | {a['dimension']}: {_md(a['label'])} | "
                f"{_pct(a['baseline_share'])} -> {_pct(a['share'])} ({a['direction']}) | {a['q_value']:.3g} |"
            )
    else:
        lines.append("No shift alerts.")
    lines += [
        "",
        "## Stories across outlets",
        "",
        "Articles by the outlets' lean prior: L left, C center, R right, ? unknown. "
        "Read one side by side: `framewatch story ID`.",
        "",
        "| story | days | outlets | by lean | thread |",
        "|---|---|---:|---|---|",
    ]
    for st in data["stories"]:
        if st["n_outlets"] < 2:
            continue
        by_lean = coverage_by_lean(st)
        thread = f"{st['thread_id']} ({st['thread_stories']} stories)" if st["thread_stories"] > 1 else ""
        lines.append(
            f"| {_md(st['headline'])} (`{st['story_id']}`) | {st['first_day']} to {st['last_day']} | "
            f"{st['n_outlets']} | {by_lean} | {thread} |"
        )
    lines += ["", "## Blindspots: covered by one side only", ""]
    if data["blindspots"]:
        for b in data["blindspots"]:
            lines.append(
                f"- {_md(b['headline'])} ({b['first_day']}): {b['covered_by']} only ({_md(b['outlets'])}), "
                f"missed by the {b['missed_by']}: {_md(b['why'])}"
            )
    else:
        lines.append("None.")
    return "\n".join(lines)


def _md(text: Any) -> str:
    """Untrusted text in a Markdown table cell: one line, no pipes, no HTML."""
    return " ".join(str(text or "").split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
