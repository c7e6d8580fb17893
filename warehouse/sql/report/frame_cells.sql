-- The report's frame cells: per outlet, week, month and topic, per frame, the articles and the sum of the
-- frame's probability: a share (sum_p / n) and its Wilson interval (views/intervals.sql) need only these,
-- so the charts can filter by outlet, topic and period and still show estimates with 90% intervals.
with probs as (
    select m.outlet_id, m.week, m.month, m.topic, f.frame, cast(m.frame_probs[f.i] as double) as p
    from mart_articles m
    cross join mart_frame_order f
    where m.outlet_id in (select unnest($outlets))
)
select outlet_id, cast(week as varchar) as week, strftime(month, '%Y-%m') as month, topic, frame,
       count(*) as n, round(sum(p), 4) as sum_p
from probs
group by all
order by outlet_id, week, topic, frame;
