-- outlet_vs_baseline: each outlet-week against the outlet's own trailing baseline (the 12 weeks before
-- it, excluding the week itself), per frame and per slant label. Current model only.
-- Columns: outlet_id, outlet, lean_prior, week, dimension (frame | slant), label, n_articles,
-- n_with_label, share, baseline_weeks (weeks with articles in the baseline), baseline_articles,
-- baseline_with_label, baseline_share, diff (share - baseline_share), z (two-proportion z-score with a
-- pooled share; null without a baseline). The shift alerts test the same numbers exactly
-- (warehouse.shifts: Fisher's exact test); z is a quick screen for analysts.
create or replace view outlet_vs_baseline as
with windowed as (
    select *,
           count(*) over w          as baseline_weeks,
           sum(n_articles) over w   as baseline_articles,
           sum(n_with_label) over w as baseline_with_label
    from int_outlet_week_label
    window w as (partition by outlet_id, dimension, label order by week
                 range between interval 84 days preceding and interval 7 days preceding)
),
scored as (
    select *,
           baseline_with_label / baseline_articles as baseline_share,
           (n_with_label + baseline_with_label) / (n_articles + baseline_articles) as pooled
    from windowed
),
final as (
    select s.outlet_id, o.name as outlet, o.lean_prior, s.week, s.dimension, s.label,
           s.n_articles, s.n_with_label, s.share,
           coalesce(s.baseline_weeks, 0) as baseline_weeks,
           cast(coalesce(s.baseline_articles, 0) as bigint) as baseline_articles,
           cast(coalesce(s.baseline_with_label, 0) as bigint) as baseline_with_label,
           s.baseline_share,
           s.share - s.baseline_share as diff,
           case when s.baseline_articles > 0 and s.pooled > 0 and s.pooled < 1
                then (s.share - s.baseline_share)
                     / sqrt(s.pooled * (1 - s.pooled) * (1 / s.n_articles + 1 / s.baseline_articles))
           end as z
    from scored s
    left join outlets o using (outlet_id)
)
select * from final;
