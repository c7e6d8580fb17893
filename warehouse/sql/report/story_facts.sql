-- For the stories the report lists (and the stories of its threads): each (outlet, topic, month) they have
-- articles in, so the page's filters can hide the rows of stories outside them.
select distinct sa.story_id, m.outlet_id, m.topic, strftime(m.month, '%Y-%m') as month
from story_articles sa
join mart_articles m using (article_id)
where sa.story_id in (select unnest($story_ids))
order by 1, 2, 3, 4;
