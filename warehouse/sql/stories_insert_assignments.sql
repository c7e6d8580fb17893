insert into story_articles (story_id, article_id, score, linked_to, assigned_at, cosine, name_overlap)
select story_id, article_id, score, linked_to, assigned_at, cosine, name_overlap from batch;
