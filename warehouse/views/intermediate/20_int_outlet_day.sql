-- int_outlet_day_live: one row per outlet and day with counts the trend marts add up (current model).
-- Columns: outlet_id, day, week, month, model_version, n_articles, n_left, n_center, n_right,
-- n_positive, n_neutral, n_negative, tone_sum, tone_sumsq (sums of tone_score and its square).
create or replace view int_outlet_day_live as
with final as (
    select outlet_id, day, week, month, model_version,
           count(*)                                         as n_articles,
           count(*) filter (where slant = 'left')           as n_left,
           count(*) filter (where slant = 'center')         as n_center,
           count(*) filter (where slant = 'right')          as n_right,
           count(*) filter (where tone = 'positive')        as n_positive,
           count(*) filter (where tone = 'neutral')         as n_neutral,
           count(*) filter (where tone = 'negative')        as n_negative,
           sum(tone_score)                                  as tone_sum,
           sum(tone_score * tone_score)                     as tone_sumsq
    from int_article_scores
    group by all
)
select * from final;

-- The marts read `int_outlet_day`: on a writable connection it is the live view above (always correct);
-- warehouse.marts.refresh_marts materializes it into rollup_int_outlet_day and points `int_outlet_day` there
-- (sql/analytics_use_rollups.sql), so the published snapshot answers in milliseconds.
create or replace view int_outlet_day as select * from int_outlet_day_live;
