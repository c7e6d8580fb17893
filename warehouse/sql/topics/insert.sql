insert into article_topics (article_id, topic, method, version, score, assigned_at)
select article_id, topic, method, version, score, assigned_at from batch;
