-- The story of each of the given articles (those in one).
select article_id, story_id from story_articles where article_id in (select unnest($ids));
