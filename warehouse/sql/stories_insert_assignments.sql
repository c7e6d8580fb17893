insert into story_articles select story_id, article_id, score, linked_to, assigned_at from batch;
