-- stg_headline_predictions: the headline-alone frame prediction of each article by the current model
-- (latest scoring wins). Columns: article_id, model_version, headline_frames, headline_primary_frame,
-- headline_slant, headline_tone_score.
create or replace view stg_headline_predictions as
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
    qualify row_number() over (partition by h.article_id order by h.scored_at desc) = 1
)
select * from final;
