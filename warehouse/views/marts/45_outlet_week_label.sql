-- outlet_week_label: one row per outlet, week and label (current model), for the baseline, peer and shift
-- comparisons: dimension 'frame' (label = each frame) or 'slant' (label = left | center | right), with
-- the estimated share that week and the sums its interval and tests need.
-- Columns: outlet_id, week, dimension, label, n_articles, share, sum_p, sum_p2.
create or replace view outlet_week_label as
with frames as (
    select outlet_id, period as week, 'frame' as dimension, frame as label, n_articles, sum_p, sum_p2
    from mart_frame_cells
    where grain = 'week' and topic = '*'
),
slants as (
    select c.outlet_id, c.period as week, 'slant' as dimension, s.label, c.n_articles,
           case s.label when 'left' then c.sum_left when 'center' then c.sum_center else c.sum_right end as sum_p,
           case s.label when 'left' then c.sum_left2 when 'center' then c.sum_center2 else c.sum_right2 end
               as sum_p2
    from mart_slant_cells c
    cross join (values ('left'), ('center'), ('right')) s(label)
    where c.grain = 'week' and c.topic = '*'
),
unioned as (
    select * from frames
    union all
    select * from slants
),
final as (
    select outlet_id, week, dimension, label, n_articles, sum_p / n_articles as share, sum_p, sum_p2
    from unioned
)
select * from final;
