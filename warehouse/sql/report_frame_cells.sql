-- The report's frame cells: per outlet, week, month and topic, per frame, the sums a share and its
-- interval are computed from (the same sums as mart_frame_cells, at the grain the report filters on), so
-- the charts can filter by outlet, topic and period and still show estimates with 90% intervals.
with probs as (
    select m.outlet_id, m.week, m.month, m.topic, f.frame, m.frame_probs[f.i] as p
    from mart_articles m
    cross join mart_frame_order f
)
select outlet_id, cast(week as varchar) as week, strftime(month, '%Y-%m') as month, topic, frame,
       count(*) as n, sum(p) as sum_p, sum(p * p) as sum_p2
from probs
where outlet_id in (select unnest($outlets))
group by all
order by outlet_id, week, topic, frame;
