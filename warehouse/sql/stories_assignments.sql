select article_id, story_id from story_articles;
