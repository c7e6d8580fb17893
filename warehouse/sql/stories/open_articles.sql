-- The articles of the stories new articles may still join: those whose first day is on or after $since.
select a.article_id, a.outlet_id, coalesce(a.published, cast(a.fetched_at as date)) as day, a.title,
       left(a.text, 2000) as lead, sa.story_id
from stories s
join story_articles sa using (story_id)
join articles a using (article_id)
where s.first_day >= $since
order by day, a.article_id;
