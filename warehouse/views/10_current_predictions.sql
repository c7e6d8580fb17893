-- current_predictions: one row per article, from the current model version only (never a mix).
-- Columns: every `predictions` column; rows from the model flagged is_current in `models`,
-- the latest scoring of each article by that model.
create or replace view current_predictions as
with current_model as (
    select model_version from models where is_current
),
ranked as (
    select p.*,
           row_number() over (partition by p.article_id order by p.scored_at desc) as rn
    from predictions p
    join current_model m using (model_version)
),
final as (
    select * exclude (rn) from ranked where rn = 1
)
select * from final;
