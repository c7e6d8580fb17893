-- Articles to group: every article (a full regrouping) or only those in no story yet, in day order, with
-- the start of the body (story linking reads the title and lead) and the story it is in.
select a.article_id, a.outlet_id, coalesce(a.published, cast(a.fetched_at as date)) as day, a.title,
       left(a.text, 2000) as lead, sa.story_id
from articles a
left join story_articles sa using (article_id)
where $everything or sa.story_id is null
order by day, a.article_id;
