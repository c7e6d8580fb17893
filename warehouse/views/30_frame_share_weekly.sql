-- frame_share_weekly: share of each frame by outlet by week (current model only).
-- Columns: outlet_id, outlet, lean_prior, week, frame, n_with_frame (articles whose predicted frames
-- include `frame`), n_articles (all scored articles of the outlet that week), share = n_with_frame / n_articles.
-- An article can carry several frames, so shares of one outlet-week sum to more than 1.
create or replace view frame_share_weekly as
with totals as (
    select outlet_id, outlet, lean_prior, week, count(*) as n_articles
    from article_scores
    group by all
),
framed as (
    select outlet_id, week, unnest(frames) as frame
    from article_scores
),
counted as (
    select outlet_id, week, frame, count(*) as n_with_frame
    from framed
    group by all
),
final as (
    select t.outlet_id, t.outlet, t.lean_prior, t.week, c.frame, c.n_with_frame, t.n_articles,
           c.n_with_frame / t.n_articles as share
    from counted c
    join totals t using (outlet_id, week)
)
select * from final;
