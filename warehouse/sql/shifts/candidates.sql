-- Every outlet x label of one week (frames and slant), with the numbers the shift test needs; the
-- minimums are applied in flows/analysis/shifts.py so that a skipped cell is reported with its reason.
with final as (
    select outlet_id, dimension, label, n_articles, share, baseline_weeks, baseline_articles, baseline_share,
           diff, z
    from outlet_vs_baseline
    where week = $week
)
select * from final order by outlet_id, dimension, label;
