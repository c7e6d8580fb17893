-- int_article_scores_live: each article with its current-model prediction, flattened for the marts.
-- Columns: article_id, outlet_id, url, title, published, day, week, month, frames, primary_frame,
-- slant, tone, tone_score, slant_left, slant_center, slant_right, model_version,
-- evidence_primary (the evidence sentences of the primary frame), evidence_slant (of the slant),
-- headline_frames, headline_primary_frame (null when the headline was not scored on its own).
create or replace view int_article_scores_live as
with evidence as (
    select p.*,
           try_cast(p.evidence as map(varchar, varchar[])) as evidence_map  -- {frame: [sentences], slant: [...]}
    from stg_current_scores p
),
final as (
    select a.article_id, a.outlet_id, a.url, a.title, a.published, a.day, a.week, a.month,
           p.frames, p.primary_frame, p.slant, p.tone, p.tone_score,
           p.slant_left, p.slant_center, p.slant_right, p.model_version,
           p.evidence_map[p.primary_frame] as evidence_primary,
           p.evidence_map['slant']         as evidence_slant,
           h.headline_frames, h.headline_primary_frame
    from stg_articles a
    join evidence p using (article_id)
    left join stg_headline_predictions h using (article_id)
)
select * from final;

-- The marts read `int_article_scores`: on a writable connection it is the live view above (always correct);
-- warehouse.marts.refresh_marts materializes it into rollup_int_article_scores and points `int_article_scores` there
-- (sql/analytics_use_rollups.sql), so the published snapshot answers in milliseconds.
create or replace view int_article_scores as select * from int_article_scores_live;
