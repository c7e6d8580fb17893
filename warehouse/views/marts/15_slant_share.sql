-- slant_share: each outlet's slant and tone per grain and period (current model), estimated from the
-- probabilities, with 90% intervals (Wilson, views/intervals.sql: the sampling of articles only, never
-- of zero width; the model's own error is on its card).
-- Columns: grain (day | week | month | all), period, outlet_id, outlet, lean_prior, topic ('*' = all),
-- n_articles, slant_left, slant_center, slant_right (mean probabilities: estimated shares), slant_left_lo,
-- slant_left_hi, slant_right_lo, slant_right_hi, slant_score (mean of P(right) - P(left), -1..1; ranks
-- outlets from left to right), slant_score_lo, slant_score_hi, predicted_left, predicted_center,
-- predicted_right (share of articles whose most likely class it is), mean_tone (-1..1), tone_sd, tone_lo,
-- tone_hi, too_few (under 10 articles).
create or replace view slant_share as
with base as (
    select c.*,
           c.sum_left / c.n_articles  as slant_left,
           c.sum_center / c.n_articles as slant_center,
           c.sum_right / c.n_articles as slant_right,
           c.sum_score / c.n_articles as slant_score,
           c.sum_tone / c.n_articles  as mean_tone
    from mart_slant_cells c
),
spread as (
    select *, sqrt(greatest(sum_tone2 / n_articles - mean_tone ** 2, 0)) as tone_sd
    from base
),
final as (
    select s.grain, s.period, s.outlet_id, o.name as outlet, o.lean_prior, s.topic, s.n_articles,
           s.slant_left, s.slant_center, s.slant_right,
           wilson_lo(s.slant_left, s.n_articles)  as slant_left_lo,
           wilson_hi(s.slant_left, s.n_articles)  as slant_left_hi,
           wilson_lo(s.slant_right, s.n_articles) as slant_right_lo,
           wilson_hi(s.slant_right, s.n_articles) as slant_right_hi,
           s.slant_score,
           score_lo(s.slant_score, s.n_articles)  as slant_score_lo,
           score_hi(s.slant_score, s.n_articles)  as slant_score_hi,
           s.n_left / s.n_articles as predicted_left,
           s.n_center / s.n_articles as predicted_center,
           s.n_right / s.n_articles as predicted_right,
           s.mean_tone, s.tone_sd,
           score_lo(s.mean_tone, s.n_articles) as tone_lo,
           score_hi(s.mean_tone, s.n_articles) as tone_hi,
           s.n_articles < 10 as too_few
    from spread s
    left join outlets o using (outlet_id)
)
select * from final;
