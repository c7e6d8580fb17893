-- current_rows_for(scorings, ids): the rows of the table named `scorings` (predictions,
-- headline_predictions: one row per scoring) for the articles of the table named `ids`, from the current
-- model version only (the model flagged is_current in `models`), the latest scoring of each article by that
-- model. Columns: as the table `scorings`.
create or replace macro current_rows_for(scorings, ids) as table
with final as (
    select *
    from query_table(scorings)
    where model_version in (select model_version from models where is_current)
      and article_id in (select article_id from query_table(ids))
    qualify row_number() over (partition by article_id order by scored_at desc) = 1
)
select * from final;

-- current_predictions_for(ids): for the articles of the table named `ids`, one row each, from the current
-- model version only (never a mix): the model flagged is_current in `models`, the latest scoring of each
-- article by that model; probabilities as stored (lists in the model's label order). The mart refresh
-- calls it on the changed articles only; stg_current_predictions is it on every article.
-- Columns: article_id, model_version, scored_at, run_id, frame_probs (float list), frames, primary_frame,
-- slant, slant_left, slant_center, slant_right, tone_score, tone, evidence.
create or replace macro current_predictions_for(ids) as table
with final as (
    select p.article_id, p.model_version, p.scored_at, p.run_id, p.frame_probs, p.frames, p.primary_frame,
           p.slant,
           cast(p.slant_probs[l.i_left] as double)   as slant_left,
           cast(p.slant_probs[l.i_center] as double) as slant_center,
           cast(p.slant_probs[l.i_right] as double)  as slant_right,
           p.tone_score, p.tone, p.evidence
    from current_rows_for('predictions', ids) p
    join stg_label_sets l using (model_version)
)
select * from final;

-- stg_current_predictions: current_predictions_for on every article. Columns: as current_predictions_for.
create or replace view stg_current_predictions as
with final as (
    select * from current_predictions_for('articles')
)
select * from final;

-- current_predictions (v1 name, unchanged columns): each article's current-model prediction with named
-- probabilities: article_id, model_version, scored_at, run_id, frame_probs (MAP), frames, primary_frame,
-- slant_probs (MAP), slant, tone_score, tone, evidence.
create or replace view current_predictions as
with current_model as (
    select model_version from models where is_current
),
final as (
    select p.article_id, p.model_version, p.scored_at, p.run_id, p.frame_probs, p.frames, p.primary_frame,
           p.slant_probs, p.slant, p.tone_score, p.tone, p.evidence
    from stg_predictions p
    join current_model m using (model_version)
    qualify row_number() over (partition by p.article_id order by p.scored_at desc) = 1
)
select * from final;
