-- stg_label_sets: the label order of each model version's probability lists (the latest recorded).
-- Columns: model_version, frame_keys, slant_keys, i_left, i_center, i_right (1-based list positions).
create or replace view stg_label_sets as
with final as (
    select model_version, frame_keys, slant_keys,
           list_position(slant_keys, 'left')   as i_left,
           list_position(slant_keys, 'center') as i_center,
           list_position(slant_keys, 'right')  as i_right
    from model_label_sets
    qualify row_number() over (partition by model_version order by recorded_at) = 1
)
select * from final;

-- stg_predictions: every stored prediction (one table, one layout) with its probabilities named.
-- Columns: article_id, model_version, scored_at, run_id, frame_probs (MAP frame -> calibrated
-- probability), frames, primary_frame, slant_probs (MAP class -> probability), slant, tone_score, tone,
-- evidence, slant_left, slant_center, slant_right.
create or replace view stg_predictions as
with final as (
    select p.article_id, p.model_version, p.scored_at, p.run_id,
           map(l.frame_keys, cast(p.frame_probs as double[])) as frame_probs,
           p.frames, p.primary_frame,
           map(l.slant_keys, cast(p.slant_probs as double[])) as slant_probs,
           p.slant, p.tone_score, p.tone, p.evidence,
           cast(p.slant_probs[l.i_left] as double)   as slant_left,
           cast(p.slant_probs[l.i_center] as double) as slant_center,
           cast(p.slant_probs[l.i_right] as double)  as slant_right
    from predictions p
    join stg_label_sets l using (model_version)
)
select * from final;
