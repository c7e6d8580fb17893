-- article_scores: each article with its outlet and its current prediction (current model only).
-- Columns: article_id, outlet_id, outlet (name), lean_prior (left | center | right | null), url, title,
-- published, day (published, else fetched date), week (Monday of that day's week), frames,
-- primary_frame, slant, tone, tone_score (-1..1), slant_left/slant_center/slant_right (probabilities),
-- model_version.
create or replace view article_scores as
with final as (
    select s.article_id, s.outlet_id, o.name as outlet, o.lean_prior, s.url, s.title, s.published,
           s.day, s.week, s.frames, s.primary_frame, s.slant, s.tone, s.tone_score,
           s.slant_left, s.slant_center, s.slant_right, s.model_version
    from int_article_scores s
    left join outlets o using (outlet_id)
)
select * from final;
