-- slant_tone_rolling(g, short_window, long_window): slant and tone per outlet per period of grain g (all
-- topics), with two trailing windows reaching back `short_window` and `long_window` (intervals) from each
-- period: calendar days, article-weighted (a window's estimate is its summed probabilities / its articles).
-- Current model. slant_tone_daily and slant_tone_weekly name the windows.
-- Columns: outlet_id, outlet, lean_prior, period, n_articles, slant_left, slant_center, slant_right (the
-- period's estimated shares), slant_score, mean_tone, tone_sd (standard deviation of tone_score in the
-- period), then n_articles, slant_left, slant_center, slant_right, slant_score and mean_tone over the short
-- window (suffixed _short) and over the long one (suffixed _long).
create or replace macro slant_tone_rolling(g, short_window, long_window) as table
with cells as (
    select outlet_id, period, n_articles as n, sum_left as l, sum_center as c, sum_right as r,
           sum_score as s, sum_tone as t, sum_tone2 as t2
    from mart_slant_cells
    where grain = g and topic = '*'
),
rolled as (
    select *,
           sum(n) over ws as ns, sum(l) over ws as ls, sum(c) over ws as cs, sum(r) over ws as rs,
           sum(s) over ws as ss, sum(t) over ws as ts,
           sum(n) over wl as nl, sum(l) over wl as ll, sum(c) over wl as cl, sum(r) over wl as rl,
           sum(s) over wl as sl, sum(t) over wl as tl
    from cells
    window ws as (partition by outlet_id order by period range between short_window preceding and current row),
           wl as (partition by outlet_id order by period range between long_window preceding and current row)
),
final as (
    select r.outlet_id, o.name as outlet, o.lean_prior, r.period,
           cast(n as bigint) as n_articles, l / n as slant_left, c / n as slant_center, r / n as slant_right,
           s / n as slant_score, t / n as mean_tone, sqrt(greatest(t2 / n - (t / n) * (t / n), 0)) as tone_sd,
           cast(ns as bigint) as n_articles_short, ls / ns as slant_left_short, cs / ns as slant_center_short,
           rs / ns as slant_right_short, ss / ns as slant_score_short, ts / ns as mean_tone_short,
           cast(nl as bigint) as n_articles_long, ll / nl as slant_left_long, cl / nl as slant_center_long,
           rl / nl as slant_right_long, sl / nl as slant_score_long, tl / nl as mean_tone_long
    from rolled r
    left join outlets o using (outlet_id)
)
select * from final;

-- slant_tone_daily: slant and tone per outlet per day, with trailing 7- and 28-day windows (calendar days,
-- article-weighted: a window's estimate is its summed probabilities / its articles). Current model.
-- Columns: outlet_id, outlet, lean_prior, day, n_articles, slant_left, slant_center, slant_right (that
-- day's estimated shares), slant_score, mean_tone, n_articles_7d, slant_left_7d, slant_center_7d,
-- slant_right_7d, slant_score_7d, mean_tone_7d, n_articles_28d, slant_left_28d, slant_center_28d,
-- slant_right_28d, slant_score_28d, mean_tone_28d.
create or replace view slant_tone_daily as
with final as (
    select outlet_id, outlet, lean_prior, period as day, n_articles, slant_left, slant_center, slant_right,
           slant_score, mean_tone,
           -- the short and the long window's columns, each suffixed with its window
           columns('^(.*)_short$') as '\1_7d', columns('^(.*)_long$') as '\1_28d'
    from slant_tone_rolling('day', interval 6 days, interval 27 days)
)
select * from final;

-- slant_tone_weekly: the same per outlet per week, with trailing 4- and 12-week windows.
-- Columns: outlet_id, outlet, lean_prior, week, n_articles, slant_left, slant_center, slant_right,
-- slant_score, mean_tone, tone_sd (standard deviation of tone_score that week), n_articles_4w,
-- slant_left_4w, slant_center_4w, slant_right_4w, slant_score_4w, mean_tone_4w, n_articles_12w,
-- slant_left_12w, slant_center_12w, slant_right_12w, slant_score_12w, mean_tone_12w.
create or replace view slant_tone_weekly as
with final as (
    select outlet_id, outlet, lean_prior, period as week, n_articles, slant_left, slant_center, slant_right,
           slant_score, mean_tone, tone_sd,
           columns('^(.*)_short$') as '\1_4w', columns('^(.*)_long$') as '\1_12w'
    from slant_tone_rolling('week', interval 21 days, interval 77 days)
)
select * from final;
