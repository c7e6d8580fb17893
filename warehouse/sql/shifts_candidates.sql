-- Every outlet x label of one week with enough articles this week and in the baseline to test.
with final as (
    select outlet_id, dimension, label, n_articles, n_with_label, share, baseline_weeks, baseline_articles,
           baseline_with_label, baseline_share
    from outlet_vs_baseline
    where week = $week
      and n_articles >= $min_articles
      and baseline_articles >= $min_baseline_articles
      and baseline_weeks >= $min_baseline_weeks
)
select * from final order by outlet_id, dimension, label;
