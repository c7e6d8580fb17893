"""The report's charts as Vega-Lite specs (built with Altair): slant by outlet, frame shares over time, and
each outlet's frame emphasis against the other outlets (lift).

Every chart reads named datasets the page supplies once (`frame_cells`, `slant_cells`, `outlets`): sums per
outlet, week, month and topic, from which the chart computes the estimates the marts compute (share = mean
calibrated probability with its 90% Wilson interval, slant score with the Wilson interval of (score+1)/2,
lift with the adjusted log interval: warehouse/views/intervals.sql), after the page's filters: the params
`f_outlet`, `f_topic` ('All' by default) and `f_from`, `f_to` (months 'YYYY-MM': by default the stretch
where the bulk of the data is), set by the page's filter bar (flows/reporting/templates/report.js)."""

from __future__ import annotations

import json
from typing import Any

import altair as alt

LEANS = ["left", "center", "right", "unknown"]
LEAN_COLORS = ["#2166ac", "#6f6f6f", "#b2182b", "#d98500"]  # blue, grey, red, amber: distinct hues
SLANT_COLORS = ["#2166ac", "#b9b9b9", "#b2182b"]
Z90 = 1.645
Z2 = Z90 * Z90
TOO_FEW = 10  # under this many articles a cell is too_few (the marts' rule)
MIN_POINTS = 0.05  # a lift stands out only when the shares also differ by this much (frame_lift)
MIN_SHARE = 0.10  # below this share on both sides a lift is not printed: 2% vs 1% is no emphasis

ON_TOPIC = "(f_topic == 'All' || datum.topic == f_topic)"
IN_PERIOD = "(datum.month >= f_from && datum.month <= f_to)"
OF_OUTLET = "(f_outlet == 'All' || datum.outlet_id == f_outlet)"
LEAN_SCALE = alt.Scale(domain=LEANS, range=LEAN_COLORS)
N_TEXT = (
    f"datum.n < {TOO_FEW} ? datum.n + ' (under {TOO_FEW}: the interval says more than the estimate)' "
    ": '' + datum.n"
)


def params(first_month: str, last_month: str) -> list[Any]:
    """The filters every chart reads; the period defaults to [first_month, last_month]."""
    return [
        alt.param(name="f_outlet", value="All"),
        alt.param(name="f_topic", value="All"),
        alt.param(name="f_from", value=first_month),
        alt.param(name="f_to", value=last_month),
    ]


def wilson(p: str, n: str, upper: bool) -> str:
    """The 90% Wilson bound of share `p` over `n` articles (views/intervals.sql wilson_lo / wilson_hi)."""
    sign = "+" if upper else "-"
    spread = f"sqrt(max(({p}) * (1 - ({p})), 0) / ({n}) + {Z2} / (4 * ({n}) * ({n})))"
    core = f"(({p}) + {Z2} / (2 * ({n})) {sign} {Z90} * {spread}) / (1 + {Z2} / ({n}))"
    return f"min(1, max({core}, {p}))" if upper else f"max(0, min({core}, {p}))"


def score_bound(s: str, n: str, upper: bool) -> str:
    """The bound of a score in -1..1 (views/intervals.sql score_lo / score_hi)."""
    return f"2 * {wilson(f'(({s}) + 1) / 2', n, upper)} - 1"


def _adjusted(p: str, n: str) -> str:
    return f"((({n}) * ({p}) + {Z2 / 2}) / (({n}) + {Z2}))"


def lift_bound(p: str, n: str, q: str, m: str, upper: bool) -> str:
    """The bound of the lift p / q (views/intervals.sql lift_lo / lift_hi)."""
    se = (
        f"sqrt((1 - {_adjusted(p, n)}) / (({n}) * ({p}) + {Z2 / 2}) + "
        f"(1 - {_adjusted(q, m)}) / (({m}) * ({q}) + {Z2 / 2}))"
    )
    ratio = f"({_adjusted(p, n)} / {_adjusted(q, m)})"
    if upper:
        return f"max({ratio} * exp({Z90} * {se}), ({p}) / ({q}))"
    return f"min({ratio} * exp(-{Z90} * {se}), ({p}) / ({q}))"


def _as(name: str) -> dict[str, Any]:
    """The `as` keyword of a Vega-Lite window field (a Python keyword, so it goes in through **)."""
    return {"as": name}


def _js(text: str) -> str:
    """A Python string as a Vega expression string literal."""
    return json.dumps(text)


def _outlets_lookup() -> alt.LookupData:
    return alt.LookupData(
        alt.NamedData(name="outlets"), key="outlet_id", fields=["outlet", "lean", "lean_rank"]
    )


def _by_sortkey() -> alt.EncodingSortField:
    """Rows per outlet in the order of the chart's `sortkey`: by lean, then within it."""
    return alt.EncodingSortField(field="sortkey", op="min")


def _outlet_rows(label_limit: int) -> alt.Y:
    """The y axis of a chart with a row per outlet, each labeled with its `label`."""
    return alt.Y("label:N", sort=_by_sortkey(), title=None, axis=alt.Axis(labelLimit=label_limit))


def _finish(chart: Any) -> dict[str, Any]:
    """The spec as a dict; the page adds the shared datasets to its `datasets` at load time."""
    return (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(symbolOpacity=1, labelLimit=0, titleLimit=0)
        .properties(autosize=alt.AutoSizeParams(type="pad", resize=True))  # rows come and go with filters
        .to_dict(validate=False)  # Vega-Lite itself checks the spec in the page (tests render every chart)
    )


def slant_chart(window: tuple[str, str], model_error: str) -> dict[str, Any]:
    """Per outlet, left to right by lean prior: slant score (P(right) - P(left)) with its 90% interval, and
    the estimated left / center / right shares; the label carries the article count. One row per outlet
    shown, whatever the filters leave (rows keep their height)."""
    base = (
        alt.Chart(alt.NamedData(name="slant_cells"))
        .transform_filter(f"{OF_OUTLET} && {ON_TOPIC} && {IN_PERIOD}")
        .transform_aggregate(
            n="sum(n)",
            sum_left="sum(sum_left)",
            sum_center="sum(sum_center)",
            sum_right="sum(sum_right)",
            sum_tone="sum(sum_tone)",
            n_train="sum(n_train)",
            groupby=["outlet_id"],
        )
        .transform_lookup(lookup="outlet_id", from_=_outlets_lookup())
        .transform_calculate(
            score="(datum.sum_right - datum.sum_left) / datum.n",
            lo=score_bound("datum.score", "datum.n", upper=False),
            hi=score_bound("datum.score", "datum.n", upper=True),
            est_left="datum.sum_left / datum.n",
            est_center="datum.sum_center / datum.n",
            est_right="datum.sum_right / datum.n",
            tone="round(100 * datum.sum_tone / datum.n) / 100 + 0",  # no -0.00
            label="datum.outlet + ' (' + datum.lean + ', n=' + datum.n + ')'",
            sortkey="datum.lean_rank * 10 + datum.score",
            n_text=N_TEXT,
            trained="datum.n_train ? datum.n_train + ' of ' + datum.n + ' (in-sample)' : 'none'",
            model_error=_js(model_error),
        )
    )
    y = _outlet_rows(360)
    tooltip = [
        alt.Tooltip("outlet:N", title="outlet"),
        alt.Tooltip("lean:N", title="lean prior"),
        alt.Tooltip("n_text:N", title="articles (n)"),
        alt.Tooltip("score:Q", title="slant score", format="+.2f"),
        alt.Tooltip("lo:Q", title="90% interval from", format="+.2f"),
        alt.Tooltip("hi:Q", title="90% interval to", format="+.2f"),
        alt.Tooltip("est_left:Q", title="est. left", format=".0%"),
        alt.Tooltip("est_center:Q", title="est. center", format=".0%"),
        alt.Tooltip("est_right:Q", title="est. right", format=".0%"),
        alt.Tooltip("tone:Q", title="mean tone", format="+.2f"),
        alt.Tooltip("trained:N", title="in the model's training data"),
        alt.Tooltip("model_error:N", title="model error (held out)"),
    ]
    x_title = "slant score: -1 left .. +1 right (90% interval: sampling of articles only)"
    x = alt.X("score:Q", title=x_title, scale=alt.Scale(domain=[-1, 1]))
    step = alt.Step(26)
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
    scores = alt.layer(interval, point, zero).properties(width=420, height=step)
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
            y=alt.Y("label:N", sort=_by_sortkey(), axis=None),
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
        .properties(width=240, height=step)
    )
    return _finish(
        alt.hconcat(scores, shares, spacing=12)
        .add_params(*params(*window))
        .resolve_scale(color="independent")
    )


def frames_over_time(top_frames: list[str], window: tuple[str, str], model_error: str) -> dict[str, Any]:
    """Small multiples, one per frame: the estimated share of each lean group's articles (of the outlet
    chosen in the filter, or of all outlets) week by week, with its 90% interval as a band, in the chosen
    months (by default where the bulk of the data is); lines break where weeks are missing."""
    x = alt.X("week:T", title="week", axis=alt.Axis(format="%b %d", labelAngle=0, tickCount=6))
    color = alt.Color("lean:N", scale=LEAN_SCALE, title="lean prior of the outlets")
    y = alt.Y(
        "share:Q", title="estimated share", axis=alt.Axis(format="%", tickCount=5), scale=alt.Scale(zero=True)
    )
    tooltip = [
        alt.Tooltip("frame:N"),
        alt.Tooltip("week:T", title="week of", format="%Y-%m-%d"),
        alt.Tooltip("lean:N", title="outlets' lean"),
        alt.Tooltip("n_text:N", title="articles (n)"),
        alt.Tooltip("share:Q", title="estimated share", format=".0%"),
        alt.Tooltip("lo:Q", title="90% interval from", format=".0%"),
        alt.Tooltip("hi:Q", title="90% interval to", format=".0%"),
        alt.Tooltip("model_error:N", title="model error (held out)"),
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
        .transform_filter(alt.FieldOneOfPredicate(field="frame", oneOf=top_frames))
        .transform_lookup(lookup="outlet_id", from_=_outlets_lookup())
        .transform_aggregate(n="sum(n)", sum_p="sum(sum_p)", groupby=["week", "frame", "lean"])
        .transform_calculate(
            share="datum.sum_p / datum.n",
            lo=wilson("datum.share", "datum.n", upper=False),
            hi=wilson("datum.share", "datum.n", upper=True),
            n_text=N_TEXT,
            model_error=_js(model_error),
        )
        # a new line segment after every missing week (a line across a gap would invent the weeks between)
        .transform_window(
            window=[alt.WindowFieldDef(op="lag", field="week", **_as("prev_week"))],
            groupby=["frame", "lean"],
            sort=[alt.SortField(field="week")],
        )
        .transform_calculate(
            gap="datum.prev_week == null || "
            "toDate(datum.week) - toDate(datum.prev_week) > 8 * 86400000 ? 1 : 0"
        )
        .transform_window(
            window=[alt.WindowFieldDef(op="sum", field="gap", **_as("segment"))],
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
        .add_params(*params(*window))
    )
    return _finish(chart)


def lift_heatmap(frames: list[str], window: tuple[str, str]) -> dict[str, Any]:
    """Outlet x frame: the outlet's estimated share of the frame over every other outlet's share, in the
    chosen topic and period (lift; 2 = twice as much as the rest). Colour on the log scale; the number is
    the lift, solid where it stands out (its 90% interval excludes 1, both sides have at least 10 articles
    and the shares differ by at least 5 points) and faint where it does not; cells where both shares are
    under 10% are grey and carry no number (a ratio of two small shares is large and means little)."""
    base = (
        alt.Chart(alt.NamedData(name="frame_cells"))
        .transform_filter(f"{ON_TOPIC} && {IN_PERIOD}")
        .transform_aggregate(n="sum(n)", sum_p="sum(sum_p)", groupby=["outlet_id", "frame"])
        .transform_joinaggregate(all_n="sum(n)", all_p="sum(sum_p)", groupby=["frame"])
        .transform_calculate(share="datum.sum_p / datum.n", n_others="datum.all_n - datum.n")
        .transform_filter("datum.n_others > 0")
        .transform_calculate(others_share="(datum.all_p - datum.sum_p) / datum.n_others")
        .transform_filter("datum.others_share > 0")
        .transform_calculate(
            lift="datum.share / datum.others_share",
            lift_lo=lift_bound("datum.share", "datum.n", "datum.others_share", "datum.n_others", upper=False),
            lift_hi=lift_bound("datum.share", "datum.n", "datum.others_share", "datum.n_others", upper=True),
            too_few=f"datum.n < {TOO_FEW} || datum.n_others < {TOO_FEW}",
            stands_out=f"!datum.too_few && (datum.lift_lo > 1 || datum.lift_hi < 1) "
            f"&& abs(datum.share - datum.others_share) >= {MIN_POINTS}",
            meaningful=f"max(datum.share, datum.others_share) >= {MIN_SHARE}",
            log2_lift="log(datum.lift) / log(2)",
            lift_text="datum.meaningful ? '×' + format(datum.lift, '.1f') : ''",
            n_text=N_TEXT,
            reading="datum.stands_out ? 'stands out' : datum.too_few ? 'too few articles to tell' : "
            "!datum.meaningful ? 'both shares under 10%: no emphasis' : 'within what chance allows'",
        )
        .transform_filter(OF_OUTLET)
        .transform_lookup(lookup="outlet_id", from_=_outlets_lookup())
        .transform_calculate(
            label="datum.outlet + ' (' + datum.lean + ')'", sortkey="datum.lean_rank * 1000 + datum.outlet"
        )
    )
    x = alt.X("frame:N", sort=frames, title=None, axis=alt.Axis(labelAngle=-35, labelLimit=0, orient="top"))
    y = _outlet_rows(0)
    tooltip = [
        alt.Tooltip("outlet:N"),
        alt.Tooltip("frame:N"),
        alt.Tooltip("n_text:N", title="articles (n)"),
        alt.Tooltip("share:Q", title="estimated share", format=".0%"),
        alt.Tooltip("n_others:Q", title="other outlets' articles"),
        alt.Tooltip("others_share:Q", title="their share", format=".0%"),
        alt.Tooltip("lift:Q", title="lift", format=".2f"),
        alt.Tooltip("lift_lo:Q", title="90% interval from", format=".2f"),
        alt.Tooltip("lift_hi:Q", title="90% interval to", format=".2f"),
        alt.Tooltip("reading:N", title="reading"),
    ]
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        x=x,
        y=y,
        color=alt.condition(
            "datum.meaningful",
            alt.Color(
                "log2_lift:Q",
                scale=alt.Scale(scheme="purplegreen", domain=[-2, 2], clamp=True, reverse=True),
                title="lift (log2)",
                legend=alt.Legend(
                    values=[-2, -1, 0, 1, 2],
                    labelExpr="['×¼', '×½', '×1', '×2', '×4'][datum.index]",
                    orient="right",
                ),
            ),
            alt.value("#eeeeee"),
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
    chart = alt.layer(rect, text).properties(width=58 * len(frames), height=alt.Step(28))
    return _finish(chart.add_params(*params(*window)))
