-- Replace the threads of stories (flows/analysis/threads.py links them from scratch after each grouping)
-- and rebuild the per-thread summary (small: one row per thread).
delete from story_threads;
delete from threads;
insert into story_threads (story_id, thread_id, score, cosine, name_overlap, linked_to, assigned_at)
select story_id, thread_id, score, cosine, name_overlap, linked_to, assigned_at from batch;
insert into threads (thread_id, headline, first_day, last_day, n_stories, n_articles, n_outlets, method,
                     updated_at)
with members as (
    select t.thread_id, s.story_id, s.headline, s.n_articles, s.first_day, s.last_day
    from story_threads t
    join stories s using (story_id)
),
outlets as (
    select t.thread_id, count(distinct a.outlet_id) as n_outlets
    from story_threads t
    join story_articles sa using (story_id)
    join articles a using (article_id)
    group by t.thread_id
),
final as (
    select m.thread_id,
           arg_max(m.headline, m.n_articles * 100000 - datediff('day', date '1970-01-01', m.first_day))
               as headline,
           min(m.first_day) as first_day,
           max(m.last_day) as last_day,
           count(*) as n_stories,
           sum(m.n_articles) as n_articles,
           any_value(o.n_outlets) as n_outlets,
           $method as method,
           $updated_at as updated_at
    from members m
    join outlets o using (thread_id)
    group by m.thread_id
)
select * from final;
