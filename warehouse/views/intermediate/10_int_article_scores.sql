-- int_article_scores: what mart_articles materializes (warehouse.marts.refresh_marts): each article with
-- its current-model prediction, calendar keys and topic, flattened. Always live; analysts read
-- article_scores, which reads the materialized table.
-- Columns: as mart_articles (migration 008): article_id, outlet_id, day, week, month, topic, url,
-- title, published, model_version, scored_at, frame_probs, frames, primary_frame, slant, slant_left, slant_center,
-- slant_right, tone, tone_score, evidence, headline_frames, headline_primary_frame.
create or replace view int_article_scores as
with final as (
    select a.article_id, a.outlet_id, a.day, a.week, a.month, coalesce(t.topic, 'other') as topic,
           a.url, a.title, a.published,
           p.model_version, p.scored_at, p.frame_probs, p.frames, p.primary_frame, p.slant,
           p.slant_left, p.slant_center, p.slant_right, p.tone, p.tone_score, p.evidence,
           h.headline_frames, h.headline_primary_frame
    from stg_articles a
    join stg_current_predictions p using (article_id)
    left join stg_article_topics t using (article_id)
    left join stg_headline_predictions h using (article_id)
)
select * from final;
