select article_id, embedding from article_embeddings where model = $1;
