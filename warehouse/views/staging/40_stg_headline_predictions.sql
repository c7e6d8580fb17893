-- headline_predictions_for(ids): the headline-alone frame prediction of the articles of the table named
-- `ids` by the current model (latest scoring wins); stg_headline_predictions is it on every article.
-- Columns: article_id, model_version, headline_frames, headline_primary_frame, headline_slant,
-- headline_tone_score.
create or replace macro headline_predictions_for(ids) as table
with final as (
    select h.article_id, h.model_version,
           h.frames        as headline_frames,
           h.primary_frame as headline_primary_frame,
           h.slant         as headline_slant,
           h.tone_score    as headline_tone_score
    from current_rows_for('headline_predictions', ids) h
)
select * from final;

-- stg_headline_predictions: headline_predictions_for on every article. Columns: as
-- headline_predictions_for.
create or replace view stg_headline_predictions as
with final as (
    select * from headline_predictions_for('articles')
)
select * from final;
