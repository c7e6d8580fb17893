insert into article_embeddings select article_id, model, embedding, created_at from batch;
