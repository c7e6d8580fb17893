-- What the report and the snapshot read, in one line: counts and latest stamps of articles, predictions
-- (body and headline), story embeddings, topics, labels, the outlets' names and leans, and the current model. Two equal
-- lines mean the report (stories, topics, marts, shift checks, snapshot) would come out the same.
select concat_ws('|',
    (select count(*) || ':' || coalesce(max(fetched_at)::varchar, '') from articles),
    (select count(*) || ':' || coalesce(max(scored_at)::varchar, '') from predictions),
    (select count(*) || ':' || coalesce(max(scored_at)::varchar, '') from headline_predictions),
    (select count(*) from article_embeddings),
    (select count(*) || ':' || coalesce(max(assigned_at)::varchar, '') from article_topics),
    (select count(*) || ':' || coalesce(max(labeled_at)::varchar, '') from labels),
    (select count(*) || ':' || coalesce(max(decided_at)::varchar, '') from gold_labels),
    (select coalesce(md5(string_agg(concat_ws(',', outlet_id, name, lean_prior), ';' order by outlet_id)), '')
     from outlets),
    (select coalesce(string_agg(model_version, ',' order by model_version), '') from models where is_current)
);
