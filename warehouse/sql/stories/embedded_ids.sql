select article_id from article_embeddings where model = $1;
