select article_id, content_hash from articles;
