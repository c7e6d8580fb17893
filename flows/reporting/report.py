"""`framewatch report`: one self-contained HTML file (inline SVG charts, no scripts, no network) and the
same summary as Markdown for a Prefect artifact after each monitoring run.

Every chart mark carries its data as attributes (data-outlet, data-frame, data-week, data-slant,
data-share), so tests and scrapers can read the numbers back without a browser."""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from warehouse.report_data import ReportOptions, gather

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).with_name("templates")
PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
SLANT_COLORS = {"left": "#3b6fb6", "center": "#9a9a9a", "right": "#c8413b"}


def _attrs(**data: Any) -> str:
    return " ".join(f'{k.replace("_", "-")}="{escape(str(v), quote=True)}"' for k, v in data.items())


def frame_share_svg(outlet: dict[str, Any], frames: list[str], rows: list[dict[str, Any]]) -> Markup:
    """A small line chart: weekly share of each top frame for one outlet."""
    w, h, pad = 320, 150, 28
    mine = [r for r in rows if r["outlet_id"] == outlet["outlet_id"]]
    weeks = sorted({r["week"] for r in rows}) or [None]
    x_of = {wk: pad + (i * (w - 2 * pad) / max(len(weeks) - 1, 1)) for i, wk in enumerate(weeks)}
    parts = [
        f'<svg class="chart frame-share" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f"{_attrs(data_outlet=outlet['outlet_id'])}><title>{escape(outlet['outlet'])}: weekly frame "
        "share</title>",
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#999"/>',
        f'<line x1="{pad}" y1="{pad / 2}" x2="{pad}" y2="{h - pad}" stroke="#999"/>',
        f'<text x="2" y="{pad / 2 + 4}" font-size="9">100%</text><text x="8" y="{h - pad}" '
        'font-size="9">0</text>',
    ]
    for i, frame in enumerate(frames):
        color = PALETTE[i % len(PALETTE)]
        pts = [
            (x_of[r["week"]], h - pad - r["share"] * (h - 1.5 * pad), r) for r in mine if r["frame"] == frame
        ]
        if len(pts) > 1:
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="'
                + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in pts)
                + '"/>'
            )
        for x, y, r in pts:
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{color}" '
                + _attrs(
                    data_outlet=outlet["outlet_id"],
                    data_frame=frame,
                    data_week=r["week"],
                    data_share=round(r["share"], 4),
                )
                + ">"
                f"<title>{escape(frame)} {r['week']}: {r['share']:.0%}</title></circle>"
            )
    if weeks[0] is not None:
        parts.append(
            f'<text x="{pad}" y="{h - 8}" font-size="9">{weeks[0]}</text>'
            f'<text x="{w - pad}" y="{h - 8}" font-size="9" text-anchor="end">{weeks[-1]}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap_svg(outlets: list[dict[str, Any]], frames: list[str], cells: list[dict[str, Any]]) -> Markup:
    """Outlet x frame heatmap of the share of each outlet's articles carrying each frame."""
    cw, ch, left, top = 46, 22, 170, 200
    w, h = left + cw * len(frames) + 10, top + ch * len(outlets) + 10
    share = {(c["outlet_id"], c["frame"]): c["share"] for c in cells}
    parts = [
        f'<svg class="chart heatmap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">'
        "<title>Outlet x frame: share of articles</title>"
    ]
    for j, frame in enumerate(frames):
        x = left + j * cw + cw / 2
        parts.append(
            f'<text x="{x:.0f}" y="{top - 6}" font-size="10" transform="rotate(-50 {x:.0f} {top - 6})">'
            f"{escape(frame)}</text>"
        )
    for i, o in enumerate(outlets):
        y = top + i * ch
        parts.append(
            f'<text x="{left - 6}" y="{y + 15}" font-size="11" text-anchor="end">{escape(o["outlet"])}</text>'
        )
        for j, frame in enumerate(frames):
            s = share.get((o["outlet_id"], frame), 0.0)
            shade = int(255 - 200 * min(s, 1.0))
            parts.append(
                f'<rect class="cell" x="{left + j * cw}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                f'fill="rgb({shade},{shade},255)" '
                f"{_attrs(data_outlet=o['outlet_id'], data_frame=frame, data_share=round(s, 4))}>"
                f"<title>{escape(o['outlet'])} / {escape(frame)}: {s:.0%}</title></rect>"
                f'<text x="{left + j * cw + cw / 2 - 1:.0f}" y="{y + 15}" font-size="9" text-anchor="middle">'
                f"{round(100 * s)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def slant_svg(outlets: list[dict[str, Any]]) -> Markup:
    """Stacked bars: share of each outlet's articles predicted left / center / right."""
    bw, bh, left = 420, 18, 240
    h = 30 + bh * len(outlets) + 10
    parts = [
        f'<svg class="chart slant" viewBox="0 0 {left + bw + 60} {h}" width="{left + bw + 60}" '
        f'height="{h}" role="img">'
        "<title>Slant distribution per outlet</title>"
    ]
    for k, (slant, color) in enumerate(SLANT_COLORS.items()):
        parts.append(
            f'<rect x="{left + k * 90}" y="4" width="10" height="10" fill="{color}"/>'
            f'<text x="{left + k * 90 + 14}" y="13" font-size="11">{slant}</text>'
        )
    for i, o in enumerate(outlets):
        y, x = 26 + i * bh, float(left)
        lean = f" ({o['lean_prior']} prior)" if o["lean_prior"] else ""
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" font-size="11" '
            f'text-anchor="end">{escape(o["outlet"] + lean)}</text>'
        )
        for slant, color in SLANT_COLORS.items():
            s = float(o[f"slant_{slant}"] or 0.0)
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{s * bw:.1f}" height="{bh - 3}" '
                f'fill="{color}" '
                f"{_attrs(data_outlet=o['outlet_id'], data_slant=slant, data_share=round(s, 4))}>"
                f"<title>{escape(o['outlet'])}: {slant} {s:.0%}</title></rect>"
            )
            x += s * bw
    parts.append("</svg>")
    return Markup("".join(parts))


def _stories(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    stories: dict[str, dict[str, Any]] = {}
    for r in rows:
        st = stories.setdefault(
            r["story_id"],
            {
                "story_id": r["story_id"],
                "headline": r["story_headline"],
                "first_day": r["story_first_day"],
                "last_day": r["story_last_day"],
                "outlets": r["story_outlets"],
                "articles": [],
            },
        )
        st["articles"].append(r)
    return list(stories.values())


def render_html(con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions()) -> str:
    data = gather(con, opts)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
        overview=data["overview"],
        outlets=data["outlets"],
        frames=data["frames"],
        palette=PALETTE,
        slant_colors=SLANT_COLORS,
        frame_charts=[(o, frame_share_svg(o, data["frames"], data["frame_share"])) for o in data["outlets"]],
        heatmap=heatmap_svg(data["outlets"], data["all_frames"], data["heatmap"]),
        slant_chart=slant_svg(data["outlets"]),
        stories=_stories(data["stories"]),
        alerts=data["alerts"],
    )


def write_report(
    con: duckdb.DuckDBPyConnection, path: Path | str, opts: ReportOptions = ReportOptions()
) -> Path:
    """Render the report to `path` (written whole, then renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render_html(con, opts), encoding="utf-8")
    tmp.replace(path)
    log.info("report written to %s", path)
    return path


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.0%}"


def markdown_summary(con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions()) -> str:
    """The report's summary as Markdown (for a Prefect artifact after each run)."""
    data = gather(con, opts)
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
            f"| {o['outlet']} | {o['lean_prior'] or '?'} | {o['n_articles']} | {_pct(o['slant_left'])} | "
            f"{_pct(o['slant_center'])} | {_pct(o['slant_right'])} | {o['mean_tone']:+.2f} | "
            f"{o['top_frames'] or ''} |"
        )
    lines += ["", "## Shift alerts (latest week tested)", ""]
    if data["alerts"]:
        lines += ["| week | outlet | what | change | q |", "|---|---|---|---|---:|"]
        for a in data["alerts"]:
            lines.append(
                f"| {a['week']} | {a['outlet']} | {a['dimension']}: {a['label']} | "
                f"{_pct(a['baseline_share'])} -> {_pct(a['share'])} ({a['direction']}) | {a['q_value']:.3g} |"
            )
    else:
        lines.append("No shift alerts.")
    lines += ["", "## Stories across outlets", ""]
    for st in _stories(data["stories"]):
        lines.append(f"**{st['headline']}** ({st['outlets']} outlets, {st['first_day']} to {st['last_day']})")
        lines.append("")
        lines += ["| outlet | lean | primary frame | slant | tone |", "|---|---|---|---|---|"]
        for a in st["articles"]:
            lines.append(
                f"| {a['outlet']} | {a['lean_prior'] or '?'} | {a['primary_frame'] or ''} | "
                f"{a['slant'] or ''} | "
                f"{a['tone'] or ''} |"
            )
        lines.append("")
    return "\n".join(lines)
