-- article_scores: each article with its outlet, topic and current-model prediction (the materialized
-- mart_articles; refreshed after every run).
-- Columns: article_id, outlet_id, outlet (name), lean_prior (left | center | right | null), url, title,
-- published, day (published, else fetched date), week (Monday of that day's week), month, topic, frames
-- (over per-frame thresholds), primary_frame, frame_probs (MAP frame -> calibrated probability), slant,
-- slant_left/slant_center/slant_right (probabilities), slant_score (slant_right - slant_left, -1..1), tone,
-- tone_score (-1..1), model_version.
create or replace view article_scores as
with keys as (
    select frame_keys from mart_state order by refreshed_at desc limit 1
),
final as (
    select m.article_id, m.outlet_id, o.name as outlet, o.lean_prior, m.url, m.title, m.published, m.day,
           m.week, m.month, m.topic, m.frames, m.primary_frame,
           map(k.frame_keys, cast(m.frame_probs as double[])) as frame_probs,
           m.slant, m.slant_left, m.slant_center, m.slant_right, m.slant_right - m.slant_left as slant_score,
           m.tone, m.tone_score, m.model_version
    from mart_articles m
    cross join keys k
    left join outlets o using (outlet_id)
)
select * from final;
