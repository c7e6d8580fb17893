-- article_scores: each article with its outlet and its current prediction.
-- Columns: article_id, outlet_id, outlet, lean_prior, url, title, published, day (published, else
-- fetched date), week (Monday of that day's week), frames, primary_frame, slant, tone, tone_score,
-- slant_left/slant_center/slant_right (probabilities), model_version.
create or replace view article_scores as
with final as (
    select a.article_id,
           a.outlet_id,
           o.name                                   as outlet,
           o.lean_prior,
           a.url,
           a.title,
           a.published,
           coalesce(a.published, cast(a.fetched_at as date))                  as day,
           cast(date_trunc('week', coalesce(a.published, cast(a.fetched_at as date))) as date) as week,
           p.frames,
           p.primary_frame,
           p.slant,
           p.tone,
           p.tone_score,
           p.slant_probs['left']   as slant_left,
           p.slant_probs['center'] as slant_center,
           p.slant_probs['right']  as slant_right,
           p.model_version
    from articles a
    join current_predictions p using (article_id)
    left join outlets o using (outlet_id)
)
select * from final;
