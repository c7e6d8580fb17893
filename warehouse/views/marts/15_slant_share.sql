-- slant_share: each outlet's slant and tone per grain and period (current model), estimated from the
-- probabilities, with 90% intervals (normal approximation to the bootstrap over articles).
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
    select *,
           sqrt(greatest(sum_left2 / n_articles - slant_left ** 2, 0) / n_articles)   as se_left,
           sqrt(greatest(sum_right2 / n_articles - slant_right ** 2, 0) / n_articles) as se_right,
           sqrt(greatest(sum_score2 / n_articles - slant_score ** 2, 0) / n_articles) as se_score,
           sqrt(greatest(sum_tone2 / n_articles - mean_tone ** 2, 0))                 as tone_sd
    from base
),
final as (
    select s.grain, s.period, s.outlet_id, o.name as outlet, o.lean_prior, s.topic, s.n_articles,
           s.slant_left, s.slant_center, s.slant_right,
           greatest(s.slant_left - 1.645 * s.se_left, 0)   as slant_left_lo,
           least(s.slant_left + 1.645 * s.se_left, 1)      as slant_left_hi,
           greatest(s.slant_right - 1.645 * s.se_right, 0) as slant_right_lo,
           least(s.slant_right + 1.645 * s.se_right, 1)    as slant_right_hi,
           s.slant_score,
           greatest(s.slant_score - 1.645 * s.se_score, -1) as slant_score_lo,
           least(s.slant_score + 1.645 * s.se_score, 1)     as slant_score_hi,
           s.n_left / s.n_articles as predicted_left,
           s.n_center / s.n_articles as predicted_center,
           s.n_right / s.n_articles as predicted_right,
           s.mean_tone, s.tone_sd,
           s.mean_tone - 1.645 * s.tone_sd / sqrt(s.n_articles) as tone_lo,
           s.mean_tone + 1.645 * s.tone_sd / sqrt(s.n_articles) as tone_hi,
           s.n_articles < 10 as too_few
    from spread s
    left join outlets o using (outlet_id)
)
select * from final;
