-- stg_predictions: every stored prediction, from both physical layouts, in one shape.
-- `predictions` (MAP columns, written by warehouse.load) and `predictions_compact` (float lists in
-- model_label_sets order, written by warehouse.bulk) are unioned; the lists become MAPs again.
-- Columns: the 12 `predictions` columns (article_id, model_version, scored_at, run_id, frame_probs,
-- frames, primary_frame, slant_probs, slant, tone_score, tone, evidence), then slant_left, slant_center,
-- slant_right (the slant probabilities, null when absent).
create or replace view stg_predictions as
with from_maps as (
    select article_id, model_version, scored_at, run_id, frame_probs, frames, primary_frame, slant_probs,
           slant, tone_score, tone, evidence,
           slant_probs['left']   as slant_left,
           slant_probs['center'] as slant_center,
           slant_probs['right']  as slant_right
    from predictions
),
label_sets as (
    select model_version, frame_keys, slant_keys
    from model_label_sets
    qualify row_number() over (partition by model_version order by recorded_at desc) = 1
),
from_lists as (
    select c.article_id, c.model_version, c.scored_at, c.run_id,
           map(l.frame_keys, cast(c.frame_probs as double[])) as frame_probs,
           c.frames, c.primary_frame,
           map(l.slant_keys, cast(c.slant_probs as double[])) as slant_probs,
           c.slant, c.tone_score, c.tone, c.evidence,
           cast(c.slant_probs[list_position(l.slant_keys, 'left')] as double)   as slant_left,
           cast(c.slant_probs[list_position(l.slant_keys, 'center')] as double) as slant_center,
           cast(c.slant_probs[list_position(l.slant_keys, 'right')] as double)  as slant_right
    from predictions_compact c
    join label_sets l using (model_version)
),
final as (
    select * from from_maps
    union all by name
    select * from from_lists
)
select * from final;

-- stg_prediction_scores: the same rows without the probability MAPs (what the marts need; cheap to
-- scan at millions of rows). Columns: article_id, model_version, scored_at, run_id, frames,
-- primary_frame, slant, slant_left, slant_center, slant_right, tone_score, tone, evidence.
create or replace view stg_prediction_scores as
with from_maps as (
    select article_id, model_version, scored_at, run_id, frames, primary_frame, slant,
           slant_probs['left'] as slant_left, slant_probs['center'] as slant_center,
           slant_probs['right'] as slant_right, tone_score, tone, evidence
    from predictions
),
slant_positions as (
    select model_version,
           list_position(slant_keys, 'left') as i_left,
           list_position(slant_keys, 'center') as i_center,
           list_position(slant_keys, 'right') as i_right
    from model_label_sets
    qualify row_number() over (partition by model_version order by recorded_at desc) = 1
),
from_lists as (
    select c.article_id, c.model_version, c.scored_at, c.run_id, c.frames, c.primary_frame, c.slant,
           cast(c.slant_probs[s.i_left] as double)   as slant_left,
           cast(c.slant_probs[s.i_center] as double) as slant_center,
           cast(c.slant_probs[s.i_right] as double)  as slant_right,
           c.tone_score, c.tone, c.evidence
    from predictions_compact c
    join slant_positions s using (model_version)
),
final as (
    select * from from_maps
    union all
    select * from from_lists
)
select * from final;
