-- frame_share_weekly: share of each frame by outlet by week (current model only).
-- Columns: outlet_id, outlet, lean_prior, week (the week's first day), frame, n_with_frame (articles whose
-- predicted frames include `frame`), n_articles (all scored articles of the outlet that week),
-- share = n_with_frame / n_articles. An article can carry several frames, so the shares of one
-- outlet-week sum to more than 1. Frames no article carried that week have no row (share 0).
create or replace view frame_share_weekly as
with totals as (
    select outlet_id, week, sum(n_articles) as n_articles
    from int_outlet_day
    group by all
),
counted as (
    select outlet_id, week, frame, sum(n_with_frame) as n_with_frame
    from int_outlet_day_frame
    group by all
),
final as (
    select t.outlet_id, o.name as outlet, o.lean_prior, t.week, c.frame,
           cast(c.n_with_frame as bigint) as n_with_frame,
           cast(t.n_articles as bigint)   as n_articles,
           c.n_with_frame / t.n_articles  as share
    from counted c
    join totals t using (outlet_id, week)
    left join outlets o using (outlet_id)
)
select * from final;
