-- outlet_vs_baseline: each outlet-week against the outlet's own trailing baseline (the 12 weeks before it,
-- excluding the week itself), per frame and per slant label, on estimated shares. Current model only.
-- Columns: outlet_id, outlet, lean_prior, week, dimension (frame | slant), label, n_articles, share,
-- baseline_weeks (weeks with articles in the baseline), baseline_articles, baseline_share, diff
-- (share - baseline_share), z (difference of means over its standard error, Welch; null without a
-- baseline). The shift checks test the same numbers (flows/analysis/shifts.py).
create or replace view outlet_vs_baseline as
with windowed as (
    -- a range join rather than a window: a query for one week reads only that week's baseline rows
    select w.outlet_id, w.week, w.dimension, w.label, w.n_articles, w.share, w.sum_p, w.sum_p2,
           count(b.week)       as baseline_weeks,
           sum(b.n_articles)   as baseline_articles,
           sum(b.sum_p)        as baseline_p,
           sum(b.sum_p2)       as baseline_p2
    from outlet_week_label w
    left join outlet_week_label b
      on b.outlet_id = w.outlet_id and b.dimension = w.dimension and b.label = w.label
     and b.week >= w.week - interval 84 days and b.week <= w.week - interval 7 days
    group by w.outlet_id, w.week, w.dimension, w.label, w.n_articles, w.share, w.sum_p, w.sum_p2
),
scored as (
    select *,
           baseline_p / baseline_articles as baseline_share,
           greatest(sum_p2 / n_articles - share ** 2, 0) / n_articles as var,
           greatest(baseline_p2 / baseline_articles - (baseline_p / baseline_articles) ** 2, 0)
               / baseline_articles as baseline_var
    from windowed
),
final as (
    select s.outlet_id, o.name as outlet, o.lean_prior, s.week, s.dimension, s.label, s.n_articles, s.share,
           coalesce(s.baseline_weeks, 0) as baseline_weeks,
           cast(coalesce(s.baseline_articles, 0) as bigint) as baseline_articles,
           s.baseline_share,
           s.share - s.baseline_share as diff,
           (s.share - s.baseline_share) / nullif(sqrt(s.var + s.baseline_var), 0) as z
    from scored s
    left join outlets o using (outlet_id)
)
select * from final;
