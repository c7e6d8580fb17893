-- Articles published (else fetched) on or after a date, for re-scoring. Parameter: the date.
select article_id, title, text, language
from articles
where coalesce(published, cast(fetched_at as date)) >= ?
order by article_id;
