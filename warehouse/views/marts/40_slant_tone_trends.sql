-- slant_tone_daily: slant and tone per outlet per day, with trailing 7- and 28-day windows (calendar days,
-- article-weighted: a window's estimate is its summed probabilities / its articles). Current model.
-- Columns: outlet_id, outlet, lean_prior, day, n_articles, slant_left, slant_center, slant_right (that
-- day's estimated shares), slant_score, mean_tone, n_articles_7d, slant_left_7d, slant_center_7d,
-- slant_right_7d, slant_score_7d, mean_tone_7d, n_articles_28d, slant_left_28d, slant_center_28d,
-- slant_right_28d, slant_score_28d, mean_tone_28d.
create or replace view slant_tone_daily as
with days as (
    select outlet_id, period as day, n_articles as n, sum_left as l, sum_center as c, sum_right as r,
           sum_score as s, sum_tone as t
    from mart_slant_cells
    where grain = 'day' and topic = '*'
),
rolled as (
    select *,
           sum(n) over w7 as n7, sum(l) over w7 as l7, sum(c) over w7 as c7, sum(r) over w7 as r7,
           sum(s) over w7 as s7, sum(t) over w7 as t7,
           sum(n) over w28 as n28, sum(l) over w28 as l28, sum(c) over w28 as c28, sum(r) over w28 as r28,
           sum(s) over w28 as s28, sum(t) over w28 as t28
    from days
    window w7 as (partition by outlet_id order by day range between interval 6 days preceding and current row),
           w28 as (partition by outlet_id order by day range between interval 27 days preceding and current row)
),
final as (
    select r.outlet_id, o.name as outlet, o.lean_prior, r.day,
           cast(n as bigint) as n_articles, l / n as slant_left, c / n as slant_center, r / n as slant_right,
           s / n as slant_score, t / n as mean_tone,
           cast(n7 as bigint) as n_articles_7d, l7 / n7 as slant_left_7d, c7 / n7 as slant_center_7d,
           r7 / n7 as slant_right_7d, s7 / n7 as slant_score_7d, t7 / n7 as mean_tone_7d,
           cast(n28 as bigint) as n_articles_28d, l28 / n28 as slant_left_28d, c28 / n28 as slant_center_28d,
           r28 / n28 as slant_right_28d, s28 / n28 as slant_score_28d, t28 / n28 as mean_tone_28d
    from rolled r
    left join outlets o using (outlet_id)
)
select * from final;

-- slant_tone_weekly: the same per outlet per week, with trailing 4- and 12-week windows.
-- Columns: outlet_id, outlet, lean_prior, week, n_articles, slant_left, slant_center, slant_right,
-- slant_score, mean_tone, tone_sd (standard deviation of tone_score that week), n_articles_4w,
-- slant_left_4w, slant_center_4w, slant_right_4w, slant_score_4w, mean_tone_4w, n_articles_12w,
-- slant_left_12w, slant_center_12w, slant_right_12w, slant_score_12w, mean_tone_12w.
create or replace view slant_tone_weekly as
with weeks as (
    select outlet_id, period as week, n_articles as n, sum_left as l, sum_center as c, sum_right as r,
           sum_score as s, sum_tone as t, sum_tone2 as t2
    from mart_slant_cells
    where grain = 'week' and topic = '*'
),
rolled as (
    select *,
           sum(n) over w4 as n4, sum(l) over w4 as l4, sum(c) over w4 as c4, sum(r) over w4 as r4,
           sum(s) over w4 as s4, sum(t) over w4 as t4,
           sum(n) over w12 as n12, sum(l) over w12 as l12, sum(c) over w12 as c12, sum(r) over w12 as r12,
           sum(s) over w12 as s12, sum(t) over w12 as t12
    from weeks
    window w4 as (partition by outlet_id order by week range between interval 21 days preceding and current row),
           w12 as (partition by outlet_id order by week range between interval 77 days preceding and current row)
),
final as (
    select r.outlet_id, o.name as outlet, o.lean_prior, r.week,
           cast(n as bigint) as n_articles, l / n as slant_left, c / n as slant_center, r / n as slant_right,
           s / n as slant_score, t / n as mean_tone, sqrt(greatest(t2 / n - (t / n) * (t / n), 0)) as tone_sd,
           cast(n4 as bigint) as n_articles_4w, l4 / n4 as slant_left_4w, c4 / n4 as slant_center_4w,
           r4 / n4 as slant_right_4w, s4 / n4 as slant_score_4w, t4 / n4 as mean_tone_4w,
           cast(n12 as bigint) as n_articles_12w, l12 / n12 as slant_left_12w, c12 / n12 as slant_center_12w,
           r12 / n12 as slant_right_12w, s12 / n12 as slant_score_12w, t12 / n12 as mean_tone_12w
    from rolled r
    left join outlets o using (outlet_id)
)
select * from final;
