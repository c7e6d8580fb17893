"""`framewatch report`: one self-contained HTML file that works offline (Vega-Lite charts through Altair,
with the Vega JavaScript inlined; filters by outlet, topic and period; tooltips with n and 90% intervals;
click a point for the articles behind it; a page per story with its outlets side by side), and the same
summary as Markdown for a Prefect artifact after each monitoring run. The default period is where the bulk
of the data is (a stray article years away is left out, and the page says so); articles the model was
trained on are counted and flagged; intervals say they cover sampling, and the model card's held-out error
stands beside them.

Article text is untrusted: the template escapes it, the page's script only sets it as text, and the data
the page carries is JSON with <, > and & escaped."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from flows.analysis.stories.view import coverage_by_lean, side_by_side
from flows.reporting import wording
from flows.reporting.assets import TEMPLATES, page_script, page_style, script_json, vega_bundle
from warehouse.report_data import ReportOptions, gather

log = logging.getLogger(__name__)

LEAN_RANK = {"left": 0, "center": 1, "right": 2}


def periods(data: dict[str, Any]) -> tuple[list[str], tuple[str, str]]:
    """The From / To choices (every month with articles, oldest first) and the default period: the months
    where the bulk of the data is (data_window), so a stray article years away does not empty the charts."""
    months = data["months"]
    window = data["window"]
    if window:
        return months, (window["first_month"], window["last_month"])
    return months, ((months[0], months[-1]) if months else ("1970-01", "1970-01"))


def window_note(data: dict[str, Any]) -> str | None:
    """What the default period leaves out, in one sentence (None when it holds every article)."""
    w = data["window"]
    if not w or not w["n_outside"]:
        return None
    dates = (
        f"dated {w['outside_first_day']}"
        if w["outside_first_day"] == w["outside_last_day"]
        else f"dated {w['outside_first_day']} to {w['outside_last_day']}"
    )
    return (
        f"The period shown, {w['first_month']} to {w['last_month']}, is where the bulk of the data is: "
        f"{w['n_articles']:,} of {w['n_total']:,} articles. {w['n_outside']:,} "
        f"{'articles' if w['n_outside'] != 1 else 'article'} {dates} "
        f"{'lie' if w['n_outside'] != 1 else 'lies'} outside it and are left out; choose From and To "
        "(or 'whole period') to include them."
    )


def training_note(data: dict[str, Any]) -> str | None:
    """The in-sample warning: how many of the articles the current model was trained on."""
    check = data["training"]
    if check is None:
        return None
    if not check["known"]:
        return f"Whether the model was trained on these articles cannot be told here ({check['source']})."
    if not check["articles_in_training"]:
        return None
    return (
        f"In-sample: {check['articles_in_training']:,} of {check['articles_checked']:,} articles are in the "
        f"training data of {data['overview']['model_version']}. Figures on them describe what the model "
        "learned from these very articles, not how it does on new ones (hover an outlet for its count)."
    )


def outlets_note(data: dict[str, Any]) -> str | None:
    shown, total = len(data["outlets"]), data["n_outlets"]
    if shown >= total:
        return None
    return (
        f"Showing the {shown} outlets with the most articles of {total}; "
        f"`framewatch report --outlets {total}` shows them all."
    )


def shift_line(check: dict[str, Any] | None) -> str:
    """The last shift check in one line: which week was tested and what (or why nothing) fired."""
    if not check:
        return "No week tested yet (the report flow runs the check after each run; or `framewatch shifts`)."
    summary = str(check["summary"])
    return summary if summary.startswith("week of") else f"week of {check['week']}: {summary}"


def _page_ids(data: dict[str, Any]) -> list[str]:
    """Stories of several outlets and the threads listed get a page (and the stories of those threads, so
    every side-by-side link resolves); so do blindspots."""
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


def render_html(
    con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions(), cache_dir: Path | None = None
) -> str:
    """The report page; `cache_dir` keeps the Vega bundle between processes (assets.vega_bundle)."""
    from classifier.model_error import held_out_error
    from flows.reporting import charts

    data = gather(con, opts)
    pages = [p for p in (side_by_side(con, pid) for pid in _page_ids(data)) if p is not None]
    months, window = periods(data)
    error = held_out_error(data["overview"]["model_version"])
    frames_error = (
        f"±{100 * error.frame_share_mae:.1f} points" if error and error.frame_share_mae else "unknown"
    )
    slant_error = (
        f"unseen outlets: macro-F1 {error.slant_macro_f1:.2f}, ranking ρ {error.outlet_spearman_rating:.2f}"
        if error and error.slant_macro_f1 is not None and error.outlet_spearman_rating is not None
        else "unknown"
    )
    page_data = {
        "specs": {
            "slant": charts.slant_chart(window, slant_error),
            "frames": charts.frames_over_time(data["top_frames"], window, frames_error),
            "lift": charts.lift_heatmap(data["frames"], window),
        },
        "window": list(window),
        "months": months,
        "datasets": _datasets(data),
        "articles": data["articles"],
        "articles_capped": len(data["articles"]["rows"]) < data["articles_total"],
        "prob_frames": data["prob_frames"],
        "story_facts": data["story_facts"],
        "thread_stories": data["thread_stories"],
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.globals.update(
        slant_words=wording.slant_words,
        slant_side=wording.slant_side,
        share_gap=wording.share_gap,
        emphasised=wording.emphasised,
    )
    return env.get_template("report.html.j2").render(
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
        overview=data["overview"],
        shift_line=shift_line(data["shift_check"]),
        outlets=data["outlets"],
        outlets_note=outlets_note(data),
        window_note=window_note(data),
        training_note=training_note(data),
        model_error=error,
        topics=data["topics"],
        months=months,
        window=window,
        top_frames=data["top_frames"],
        stories=data["stories"],
        threads=data["threads"],
        thread_stories=data["thread_stories"],
        blindspots=data["blindspots"],
        alerts=data["alerts"],
        story_pages=pages,
        pages={p.id for p in pages},
        css=page_style(),
        vega_bundle=vega_bundle(cache_dir),
        page_js=page_script(),
        data_json=script_json(page_data),
    )


def report_notes(con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions()) -> list[str]:
    """What the report warns about, for the command line: outlets left out, articles outside the default
    period, articles the model was trained on."""
    from warehouse import training_overlap
    from warehouse.report_data import rows
    from warehouse.shifts_store import current_model

    outlets = rows(con, "report/outlets", {"limit": max(opts.max_outlets, 1)})
    data = {
        "outlets": outlets,
        "n_outlets": outlets[0]["n_outlets"] if outlets else 0,
        "window": next(iter(rows(con, "report/window")), None),
        "training": training_overlap.latest(con, current_model(con)),
        "overview": rows(con, "report/overview")[0],
    }
    return [n for n in (outlets_note(data), window_note(data), training_note(data)) if n]


def write_report(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    opts: ReportOptions = ReportOptions(),
    cache_dir: Path | None = None,
) -> Path:
    """Render the report to `path` (written whole, then renamed into place)."""
    path = Path(path)
    html = render_html(con, opts, cache_dir)
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
        *[f"> {_md(n)}\n" for n in (window_note(data), training_note(data), outlets_note(data)) if n],
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
    alerts = [
        f"| {a['week']} | {_md(a['outlet'])} | {a['dimension']}: {_md(a['label'])} | "
        f"{_pct(a['baseline_share'])} -> {_pct(a['share'])} ({a['direction']}) | {a['q_value']:.3g} |"
        for a in data["alerts"]
    ]
    table = ["| week | outlet | what | change | q |", "|---|---|---|---|---:|", *alerts]
    lines += table if alerts else ["No shift alerts."]
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
    blindspots = [
        f"- {_md(b['headline'])} ({b['first_day']}): {b['covered_by']} only ({_md(b['outlets'])}), "
        f"missed by the {b['missed_by']}: {_md(b['why'])}"
        for b in data["blindspots"]
    ]
    lines += blindspots or ["None."]
    return "\n".join(lines)


def _md(text: Any) -> str:
    """Untrusted text in a Markdown table cell: one line, no pipes, no HTML."""
    return " ".join(str(text or "").split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
