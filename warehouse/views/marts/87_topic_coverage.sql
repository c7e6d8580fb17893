-- topic_coverage_weekly: how much of each outlet's coverage a topic takes, week by week (topics from
-- flows/analysis/topics.py or the imported file; current model's articles). Every week an outlet
-- published has a row for every topic, 0 when it did not cover the topic, so a shift reads directly.
-- Columns: week (Monday), topic, outlet_id, outlet, lean_prior, n_articles (the outlet's articles on the
-- topic that week), n_outlet_articles (all its articles that week), topic_share (n_articles /
-- n_outlet_articles), topic_share_lo, topic_share_hi (90% Wilson interval), slant_score (mean P(right) -
-- P(left) of the topic's articles, null without any), mean_tone (likewise), too_few (n_outlet_articles < 10).
create or replace view topic_coverage_weekly as
with outlet_weeks as (
    select week, outlet_id, count(*) as n_all
    from mart_articles
    group by week, outlet_id
),
topics as (
    select distinct topic from mart_articles
),
on_topic as (
    select week, outlet_id, topic, count(*) as n, avg(slant_right - slant_left) as slant_score,
           avg(tone_score) as mean_tone
    from mart_articles
    group by week, outlet_id, topic
),
grid as (
    select w.week, t.topic, w.outlet_id, w.n_all, coalesce(o.n, 0) as n, o.slant_score, o.mean_tone
    from outlet_weeks w
    cross join topics t
    left join on_topic o using (week, outlet_id, topic)
),
wilson as (
    -- z = 1.645 (90%): centre and half-width of the Wilson score interval
    select *, n / n_all as p,
           (n / n_all + 1.645 ^ 2 / (2 * n_all)) / (1 + 1.645 ^ 2 / n_all) as centre,
           1.645 * sqrt(n / n_all * (1 - n / n_all) / n_all + 1.645 ^ 2 / (4 * n_all ^ 2))
               / (1 + 1.645 ^ 2 / n_all) as half
    from grid
),
final as (
    select w.week, w.topic, w.outlet_id, ou.name as outlet, ou.lean_prior,
           cast(w.n as bigint) as n_articles, cast(w.n_all as bigint) as n_outlet_articles,
           w.p as topic_share,
           greatest(w.centre - w.half, 0) as topic_share_lo,
           least(w.centre + w.half, 1) as topic_share_hi,
           w.slant_score, w.mean_tone,
           w.n_all < 10 as too_few
    from wilson w
    left join outlets ou using (outlet_id)
)
select * from final;
