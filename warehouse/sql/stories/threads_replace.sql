-- Write thread links and the touched threads' rows: `links` (one per newly linked story; every story when
-- relinking, after `threads_clear`) and `batch` (one row per touched thread: its subject headline, subject
-- names, centroid sum; a thread of one story is headlined by its story), then rebuild those threads'
-- summaries from their stories.
insert into story_threads (story_id, thread_id, score, cosine, name_overlap, linked_to, assigned_at)
select story_id, thread_id, score, cosine, name_overlap, linked_to, assigned_at from links;
delete from threads where thread_id in (select thread_id from batch);
insert into threads (thread_id, headline, first_day, last_day, n_stories, n_articles, n_outlets, method,
                     updated_at, subject, centroid_sum)
with members as (
    select t.thread_id, s.story_id, s.headline, s.n_articles, s.first_day, s.last_day
    from story_threads t
    join stories s using (story_id)
    where t.thread_id in (select thread_id from batch)
),
outlets as (
    select t.thread_id, count(distinct a.outlet_id) as n_outlets
    from story_threads t
    join story_articles sa using (story_id)
    join articles a using (article_id)
    where t.thread_id in (select thread_id from batch)
    group by t.thread_id
),
per_thread as (
    select thread_id, min(first_day) as first_day, max(last_day) as last_day, count(*) as n_stories,
           sum(n_articles) as n_articles,
           arg_max(headline, n_articles * 100000 - datediff('day', date '1970-01-01', first_day))
               as largest_headline
    from members
    group by thread_id
),
final as (
    select b.thread_id, coalesce(nullif(b.headline, ''), p.largest_headline) as headline, p.first_day, p.last_day, p.n_stories, p.n_articles, o.n_outlets,
           $method as method, $updated_at as updated_at, b.subject, b.centroid_sum
    from batch b
    join per_thread p using (thread_id)
    join outlets o using (thread_id)
)
select * from final;
