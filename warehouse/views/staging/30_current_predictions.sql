-- stg_current_predictions: one row per article, from the current model version only (never a mix):
-- the model flagged is_current in `models`, the latest scoring of each article by that model.
-- Columns: as stg_predictions (the 12 prediction columns, then slant_left, slant_center, slant_right).
-- stg_current_scores below is the same selection without the MAPs, for the marts.
create or replace view stg_current_predictions as
with current_model as (
    select model_version from models where is_current
),
final as (
    select p.*
    from stg_predictions p
    join current_model m using (model_version)
    qualify row_number() over (partition by p.article_id order by p.scored_at desc) = 1
)
select * from final;

-- current_predictions (v1 name, unchanged columns): the 12 `predictions` columns of each article's
-- current-model prediction: article_id, model_version, scored_at, run_id, frame_probs, frames,
-- primary_frame, slant_probs, slant, tone_score, tone, evidence.
create or replace view current_predictions as
with final as (
    select article_id, model_version, scored_at, run_id, frame_probs, frames, primary_frame, slant_probs,
           slant, tone_score, tone, evidence
    from stg_current_predictions
)
select * from final;

-- stg_current_scores: the current-model, latest prediction of each article without probability MAPs.
-- Columns: as stg_prediction_scores.
create or replace view stg_current_scores as
with current_model as (
    select model_version from models where is_current
),
final as (
    select p.*
    from stg_prediction_scores p
    join current_model m using (model_version)
    qualify row_number() over (partition by p.article_id order by p.scored_at desc) = 1
)
select * from final;
