-- int_outlet_week_label: one row per outlet, week and label, dense (a label the outlet did not use
-- that week has n_with_label = 0), for the baseline, peer and shift comparisons (current model).
-- dimension 'frame': label = each frame seen in the warehouse, n_with_label = articles carrying it;
-- dimension 'slant': label = left | center | right, n_with_label = articles predicted so.
-- Columns: outlet_id, week, dimension, label, n_articles, n_with_label, share.
create or replace view int_outlet_week_label as
with weeks as (
    select outlet_id, week, sum(n_articles) as n_articles,
           sum(n_left) as n_left, sum(n_center) as n_center, sum(n_right) as n_right
    from int_outlet_day
    group by all
),
frame_counts as (
    select outlet_id, week, frame, sum(n_with_frame) as n_with_label
    from int_outlet_day_frame
    group by all
),
frames as (
    select distinct frame from frame_counts
),
frame_rows as (
    select w.outlet_id, w.week, 'frame' as dimension, f.frame as label, w.n_articles,
           coalesce(c.n_with_label, 0) as n_with_label
    from weeks w
    cross join frames f
    left join frame_counts c on c.outlet_id = w.outlet_id and c.week = w.week and c.frame = f.frame
),
slant_rows as (
    select outlet_id, week, 'slant' as dimension, s.label, n_articles,
           case s.label when 'left' then n_left when 'center' then n_center else n_right end as n_with_label
    from weeks
    cross join (values ('left'), ('center'), ('right')) s(label)
),
unioned as (
    select * from frame_rows
    union all
    select * from slant_rows
),
final as (
    select outlet_id, week, dimension, label,
           cast(n_articles as bigint) as n_articles,
           cast(n_with_label as bigint) as n_with_label,
           n_with_label / n_articles as share
    from unioned
)
select * from final;
