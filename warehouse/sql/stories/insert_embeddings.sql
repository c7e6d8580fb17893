insert into article_embeddings (article_id, model, embedding, created_at, backend)
select article_id, model, embedding, created_at, backend from batch;
