-- Title and body of the given articles (to embed those without a stored embedding).
select article_id, title, text from articles where article_id in (select unnest($ids));
