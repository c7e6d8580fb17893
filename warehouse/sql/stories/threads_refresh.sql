-- Stories that grew this run change their threads' counts: rebuild the counts and days of the threads of
-- the batch's stories (headline, subject and centroid stay).
update threads th
set first_day = p.first_day, last_day = p.last_day, n_articles = p.n_articles, n_outlets = p.n_outlets
from (
    select t.thread_id, min(coalesce(a.published, cast(a.fetched_at as date))) as first_day,
           max(coalesce(a.published, cast(a.fetched_at as date))) as last_day,
           count(*) as n_articles, count(distinct a.outlet_id) as n_outlets
    from story_threads t
    join story_articles sa using (story_id)
    join articles a using (article_id)
    where t.thread_id in (select t2.thread_id from story_threads t2
                          where t2.story_id in (select story_id from batch))
    group by t.thread_id
) p
where th.thread_id = p.thread_id;
