-- Every stored article id (collect skips items whose canonical URL is already stored).
select article_id from articles;
