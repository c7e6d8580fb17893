-- frame_share_monthly: share of each frame by outlet by month (current model only).
-- Columns: outlet_id, outlet, lean_prior, month (the month's first day), frame, n_with_frame (articles whose
-- predicted frames include `frame`), n_articles (all scored articles of the outlet that month),
-- share = n_with_frame / n_articles. An article can carry several frames, so the shares of one
-- outlet-month sum to more than 1. Frames no article carried that month have no row (share 0).
create or replace view frame_share_monthly as
with totals as (
    select outlet_id, month, sum(n_articles) as n_articles
    from int_outlet_day
    group by all
),
counted as (
    select outlet_id, month, frame, sum(n_with_frame) as n_with_frame
    from int_outlet_day_frame
    group by all
),
final as (
    select t.outlet_id, o.name as outlet, o.lean_prior, t.month, c.frame,
           cast(c.n_with_frame as bigint) as n_with_frame,
           cast(t.n_articles as bigint)   as n_articles,
           c.n_with_frame / t.n_articles  as share
    from counted c
    join totals t using (outlet_id, month)
    left join outlets o using (outlet_id)
)
select * from final;
