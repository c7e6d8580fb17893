-- What the marts are built from: the current model, its frame and slant order, and the newest write to
-- any source table the marts read (the next incremental refresh takes what is newer).
with current_model as (
    select model_version from models where is_current
)
select (select model_version from current_model) as current_model,
       (select frame_keys from stg_label_sets where model_version = (select model_version from current_model))
           as frame_keys,
       (select slant_keys from stg_label_sets where model_version = (select model_version from current_model))
           as slant_keys,
       greatest(
           (select max(scored_at) from predictions),
           (select max(scored_at) from headline_predictions),
           (select max(assigned_at) from article_topics)
       ) as newest_write,
       (select count(distinct article_id) from predictions
        where model_version = (select model_version from current_model)) as n_scored;
