-- The stored story embeddings of the given articles.
select article_id, embedding from article_embeddings
where model = $model and article_id in (select unnest($ids));
