"""The report's charts as Vega-Lite specs (built with Altair): slant by outlet, frame shares over time, and
each outlet's frame emphasis against the other outlets (lift).

Every chart reads named datasets the page supplies once (`frame_cells`, `slant_cells`, `outlets`): sums per
outlet, week, month and topic, from which the chart computes the estimates the marts compute (share = mean
calibrated probability, 90% interval = share +- 1.645 sd / sqrt(n), lift on the log scale), after the
page's filters: the params `f_outlet`, `f_topic` and `f_period` (a month, 'YYYY-MM'), each 'All' by default,
set by the page's filter bar (flows/reporting/templates/report.js)."""

from __future__ import annotations

from typing import Any

import altair as alt

LEANS = ["left", "center", "right", "unknown"]
LEAN_COLORS = ["#2166ac", "#6f6f6f", "#b2182b", "#d98500"]  # blue, grey, red, amber: distinct hues
SLANT_COLORS = ["#2166ac", "#b9b9b9", "#b2182b"]
Z90 = 1.645

PARAMS = [alt.param(name=n, value="All") for n in ("f_outlet", "f_topic", "f_period")]
ON_TOPIC = "(f_topic == 'All' || datum.topic == f_topic)"
# a period is a month ('2026-10') or 'since:<Monday>' (the last weeks), or All
IN_PERIOD = (
    "(f_period == 'All' || datum.month == f_period"
    " || (slice(f_period, 0, 6) == 'since:' && toDate(datum.week) >= toDate(slice(f_period, 6))))"
)
OF_OUTLET = "(f_outlet == 'All' || datum.outlet_id == f_outlet)"
LEAN_SCALE = alt.Scale(domain=LEANS, range=LEAN_COLORS)
CAUTION = "datum.n < 10 ? 'under 10 articles: the interval says more than the estimate' : ''"


def _outlets_lookup() -> alt.LookupData:
    return alt.LookupData(
        alt.NamedData(name="outlets"), key="outlet_id", fields=["outlet", "lean", "lean_rank"]
    )


def _finish(chart: Any) -> dict[str, Any]:
    """The spec as a dict; the page adds the shared datasets to its `datasets` at load time."""
    return (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(symbolOpacity=1, labelLimit=0)
        .to_dict()
    )


def slant_chart(n_outlets: int) -> dict[str, Any]:
    """Per outlet, left to right by lean prior: slant score (P(right) - P(left)) with its 90% interval, and
    the estimated left / center / right shares; the label carries the article count."""
    base = (
        alt.Chart(alt.NamedData(name="slant_cells"))
        .transform_filter(f"{OF_OUTLET} && {ON_TOPIC} && {IN_PERIOD}")
        .transform_aggregate(
            n="sum(n)",
            sum_score="sum(sum_score)",
            sum_score2="sum(sum_score2)",
            sum_left="sum(sum_left)",
            sum_center="sum(sum_center)",
            sum_right="sum(sum_right)",
            sum_tone="sum(sum_tone)",
            groupby=["outlet_id"],
        )
        .transform_lookup(lookup="outlet_id", from_=_outlets_lookup())
        .transform_calculate(
            score="datum.sum_score / datum.n",
            se="sqrt(max(datum.sum_score2 / datum.n - pow(datum.sum_score / datum.n, 2), 0) / datum.n)",
            lo=f"max(datum.score - {Z90} * datum.se, -1)",
            hi=f"min(datum.score + {Z90} * datum.se, 1)",
            est_left="datum.sum_left / datum.n",
            est_center="datum.sum_center / datum.n",
            est_right="datum.sum_right / datum.n",
            tone="datum.sum_tone / datum.n",
            label="datum.outlet + ' (' + datum.lean + ', n=' + datum.n + ')'",
            sortkey="datum.lean_rank * 10 + datum.score",
            caution=CAUTION,
        )
    )
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField(field="sortkey", op="min"),
        title=None,
        axis=alt.Axis(labelLimit=360),
    )
    tooltip = [
        alt.Tooltip("outlet:N", title="outlet"),
        alt.Tooltip("lean:N", title="lean prior"),
        alt.Tooltip("n:Q", title="articles (n)"),
        alt.Tooltip("score:Q", title="slant score", format="+.2f"),
        alt.Tooltip("lo:Q", title="90% interval from", format="+.2f"),
        alt.Tooltip("hi:Q", title="90% interval to", format="+.2f"),
        alt.Tooltip("est_left:Q", title="est. left", format=".0%"),
        alt.Tooltip("est_center:Q", title="est. center", format=".0%"),
        alt.Tooltip("est_right:Q", title="est. right", format=".0%"),
        alt.Tooltip("tone:Q", title="mean tone", format="+.2f"),
        alt.Tooltip("caution:N", title="note"),
    ]
    x_title = "slant score: -1 left .. +1 right (90% interval)"
    x = alt.X("score:Q", title=x_title, scale=alt.Scale(domain=[-1, 1]))
    height = max(24 * n_outlets, 120)
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="#999", strokeDash=[3, 3]).encode(x="x:Q")
    interval = base.mark_rule(strokeWidth=2.5).encode(
        x=alt.X("lo:Q", title=x_title, scale=alt.Scale(domain=[-1, 1])),
        x2="hi:Q",
        y=y,
        color=alt.Color("lean:N", scale=LEAN_SCALE, legend=None),
        tooltip=tooltip,
    )
    point = base.mark_point(filled=True, size=110, opacity=1).encode(
        x=x,
        y=y,
        color=alt.Color("lean:N", scale=LEAN_SCALE, title="lean prior"),
        tooltip=tooltip,
    )
    scores = alt.layer(zero, interval, point).properties(width=420, height=height)
    shares = (
        base.transform_fold(["est_left", "est_center", "est_right"], as_=["slant", "est"])
        .transform_calculate(
            slant="replace(datum.slant, 'est_', '')", order="indexof(['left','center','right'], datum.slant)"
        )
        .mark_bar()
        .encode(
            x=alt.X(
                "est:Q", stack="normalize", title="estimated left / center / right", axis=alt.Axis(format="%")
            ),
            y=alt.Y("label:N", sort=alt.EncodingSortField(field="sortkey", op="min"), axis=None),
            color=alt.Color(
                "slant:N",
                scale=alt.Scale(domain=["left", "center", "right"], range=SLANT_COLORS),
                title="slant",
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                *tooltip[:3],
                alt.Tooltip("slant:N"),
                alt.Tooltip("est:Q", title="estimated share", format=".0%"),
            ],
        )
        .properties(width=240, height=height)
    )
    return _finish(
        alt.hconcat(scores, shares, spacing=12).add_params(*PARAMS).resolve_scale(color="independent")
    )


def frames_over_time(top_frames: list[str], recent_from: str) -> dict[str, Any]:
    """Small multiples, one per frame: the estimated share of each lean group's articles (of the outlet
    chosen in the filter, or of all outlets) week by week, with its 90% interval as a band. With every
    period chosen it shows the weeks from `recent_from` (a Monday, ISO) on, so a few old articles do not
    squeeze the recent weeks into a sliver; lines break where weeks are missing."""
    x = alt.X("week:T", title="week", axis=alt.Axis(format="%b %d", labelAngle=0, tickCount=6))
    color = alt.Color("lean:N", scale=LEAN_SCALE, title="lean prior of the outlets")
    y = alt.Y(
        "share:Q", title="estimated share", axis=alt.Axis(format="%", tickCount=5), scale=alt.Scale(zero=True)
    )
    tooltip = [
        alt.Tooltip("frame:N"),
        alt.Tooltip("week:N", title="week of"),
        alt.Tooltip("lean:N", title="outlets' lean"),
        alt.Tooltip("n:Q", title="articles (n)"),
        alt.Tooltip("share:Q", title="estimated share", format=".0%"),
        alt.Tooltip("lo:Q", title="90% interval from", format=".0%"),
        alt.Tooltip("hi:Q", title="90% interval to", format=".0%"),
        alt.Tooltip("caution:N", title="note"),
    ]
    band = (
        alt.Chart()
        .mark_area(opacity=0.15)
        .encode(
            x=x,
            y=alt.Y("lo:Q", title="estimated share"),
            y2="hi:Q",
            fill=alt.Fill("lean:N", scale=LEAN_SCALE, title="lean prior of the outlets"),
            detail="segment:N",
        )
    )
    line = alt.Chart().mark_line(strokeWidth=2).encode(x=x, y=y, color=color, detail="segment:N")
    points = (
        alt.Chart().mark_point(filled=True, size=45, opacity=1).encode(x=x, y=y, color=color, tooltip=tooltip)
    )
    # the transforms sit on the layer, above its marks (a lookup inside a faceted layer's child fails)
    layered = (
        alt.layer(band, line, points, data=alt.NamedData(name="frame_cells"))
        .transform_filter(f"{OF_OUTLET} && {ON_TOPIC} && {IN_PERIOD}")
        .transform_filter(f"f_period != 'All' || toDate(datum.week) >= toDate('{recent_from}')")
        .transform_filter(alt.FieldOneOfPredicate(field="frame", oneOf=top_frames))
        .transform_lookup(lookup="outlet_id", from_=_outlets_lookup())
        .transform_aggregate(
            n="sum(n)", sum_p="sum(sum_p)", sum_p2="sum(sum_p2)", groupby=["week", "frame", "lean"]
        )
        .transform_calculate(
            share="datum.sum_p / datum.n",
            se="sqrt(max(datum.sum_p2 / datum.n - pow(datum.sum_p / datum.n, 2), 0) / datum.n)",
            lo=f"max(datum.share - {Z90} * datum.se, 0)",
            hi=f"min(datum.share + {Z90} * datum.se, 1)",
            caution=CAUTION,
        )
        # a new line segment after every missing week (a line across a gap would invent the weeks between)
        .transform_window(
            window=[alt.WindowFieldDef(op="lag", field="week", **{"as": "prev_week"})],
            groupby=["frame", "lean"],
            sort=[alt.SortField(field="week")],
        )
        .transform_calculate(
            gap="datum.prev_week == null || "
            "toDate(datum.week) - toDate(datum.prev_week) > 8 * 86400000 ? 1 : 0"
        )
        .transform_window(
            window=[alt.WindowFieldDef(op="sum", field="gap", **{"as": "segment"})],
            groupby=["frame", "lean"],
            sort=[alt.SortField(field="week")],
        )
        .properties(width=290, height=150)
    )
    chart = (
        layered.facet(
            facet=alt.Facet(
                "frame:N", sort=top_frames, title=None, header=alt.Header(labelFontSize=13, labelLimit=0)
            ),
            columns=3,
        )
        .resolve_scale(y="independent")
        .add_params(*PARAMS)
    )
    return _finish(chart)


def lift_heatmap(frames: list[str], n_outlets: int) -> dict[str, Any]:
    """Outlet x frame: the outlet's estimated share of the frame over every other outlet's share, in the
    chosen topic and period (lift; 2 = twice as much as the rest). Colour on the log scale; the number is
    the lift, bold where its 90% interval excludes 1."""
    base = (
        alt.Chart(alt.NamedData(name="frame_cells"))
        .transform_filter(f"{ON_TOPIC} && {IN_PERIOD}")
        .transform_aggregate(
            n="sum(n)", sum_p="sum(sum_p)", sum_p2="sum(sum_p2)", groupby=["outlet_id", "frame"]
        )
        .transform_joinaggregate(all_n="sum(n)", all_p="sum(sum_p)", all_p2="sum(sum_p2)", groupby=["frame"])
        .transform_calculate(
            share="datum.sum_p / datum.n",
            var="max(datum.sum_p2 / datum.n - pow(datum.sum_p / datum.n, 2), 0) / datum.n",
            n_others="datum.all_n - datum.n",
        )
        .transform_filter("datum.n_others > 0")
        .transform_calculate(
            others_share="(datum.all_p - datum.sum_p) / datum.n_others",
            others_var="max((datum.all_p2 - datum.sum_p2) / datum.n_others - "
            "pow((datum.all_p - datum.sum_p) / datum.n_others, 2), 0) / datum.n_others",
        )
        .transform_filter("datum.others_share > 0")
        .transform_calculate(
            lift="datum.share / datum.others_share",
            se_log="sqrt(datum.var / pow(max(datum.share, 1e-6), 2) + "
            "datum.others_var / pow(max(datum.others_share, 1e-6), 2))",
            lift_lo=f"datum.lift * exp(-{Z90} * datum.se_log)",
            lift_hi=f"datum.lift * exp({Z90} * datum.se_log)",
            stands_out="datum.lift_lo > 1 || datum.lift_hi < 1",
            log2_lift="log(datum.lift) / log(2)",
            lift_text="'×' + format(datum.lift, '.1f')",
        )
        .transform_filter(OF_OUTLET)
        .transform_lookup(lookup="outlet_id", from_=_outlets_lookup())
        .transform_calculate(
            label="datum.outlet + ' (' + datum.lean + ')'", sortkey="datum.lean_rank * 1000 + datum.outlet"
        )
    )
    x = alt.X("frame:N", sort=frames, title=None, axis=alt.Axis(labelAngle=-35, labelLimit=0, orient="top"))
    y = alt.Y(
        "label:N",
        sort=alt.EncodingSortField(field="sortkey", op="min"),
        title=None,
        axis=alt.Axis(labelLimit=0),
    )
    tooltip = [
        alt.Tooltip("outlet:N"),
        alt.Tooltip("frame:N"),
        alt.Tooltip("n:Q", title="articles (n)"),
        alt.Tooltip("share:Q", title="estimated share", format=".0%"),
        alt.Tooltip("n_others:Q", title="other outlets' articles"),
        alt.Tooltip("others_share:Q", title="their share", format=".0%"),
        alt.Tooltip("lift:Q", title="lift", format=".2f"),
        alt.Tooltip("lift_lo:Q", title="90% interval from", format=".2f"),
        alt.Tooltip("lift_hi:Q", title="90% interval to", format=".2f"),
        alt.Tooltip("stands_out:N", title="interval excludes 1"),
    ]
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        x=x,
        y=y,
        color=alt.Color(
            "log2_lift:Q",
            scale=alt.Scale(scheme="purplegreen", domain=[-2, 2], clamp=True, reverse=True),
            title="lift (log2)",
            legend=alt.Legend(
                values=[-2, -1, 0, 1, 2],
                labelExpr="['×¼', '×½', '×1', '×2', '×4'][datum.index]",
                orient="right",
            ),
        ),
        tooltip=tooltip,
    )
    text = base.mark_text(fontSize=11).encode(
        x=x,
        y=y,
        text="lift_text:N",
        color=alt.condition("abs(datum.log2_lift) > 1.3", alt.value("white"), alt.value("#222")),
        opacity=alt.condition("datum.stands_out", alt.value(1), alt.value(0.55)),
        tooltip=tooltip,
    )
    chart = alt.layer(rect, text).properties(width=58 * len(frames), height=max(28 * n_outlets, 60))
    return _finish(chart.add_params(*PARAMS))
