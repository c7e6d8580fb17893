-- headline_predictions_for(ids): the headline-alone frame prediction of the articles of the table named
-- `ids` by the current model (latest scoring wins); stg_headline_predictions is it on every article.
-- Columns: article_id, model_version, headline_frames, headline_primary_frame, headline_slant,
-- headline_tone_score.
create or replace macro headline_predictions_for(ids) as table
with current_model as (
    select model_version from models where is_current
),
final as (
    select h.article_id, h.model_version,
           h.frames        as headline_frames,
           h.primary_frame as headline_primary_frame,
           h.slant         as headline_slant,
           h.tone_score    as headline_tone_score
    from headline_predictions h
    join current_model m using (model_version)
    where h.article_id in (select article_id from query_table(ids))
    qualify row_number() over (partition by h.article_id order by h.scored_at desc) = 1
)
select * from final;

-- stg_headline_predictions: headline_predictions_for on every article. Columns: as
-- headline_predictions_for.
create or replace view stg_headline_predictions as
with final as (
    select * from headline_predictions_for('articles')
)
select * from final;
