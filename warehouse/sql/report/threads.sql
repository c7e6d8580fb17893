-- The threads the report lists and gives a page: the $limit with the most stories, then up to $limit
-- threads whose stories were each covered by one outlet only, so that only the thread puts those outlets
-- side by side (e.g. one outlet's report in January and a blog post on it in July), latest first.
with widest_story as (
    select st.thread_id, max(s.n_outlets) as story_outlets
    from story_threads st
    join stories s using (story_id)
    group by st.thread_id
),
candidates as (
    select t.thread_id, t.headline, t.first_day, t.last_day, t.n_stories, t.n_articles, t.n_outlets,
           w.story_outlets = 1 and t.n_outlets > 1 as only_the_thread_joins,
           row_number() over (order by t.n_stories desc, t.n_articles desc, t.first_day desc, t.thread_id)
               as size_rank
    from threads t
    join widest_story w using (thread_id)
    where t.n_stories > 1
),
joiners as (
    select thread_id
    from candidates
    where only_the_thread_joins and size_rank > $limit
    order by last_day desc, thread_id
    limit $limit
)
select thread_id, headline, first_day, last_day, n_stories, n_articles, n_outlets, only_the_thread_joins
from candidates
where size_rank <= $limit or thread_id in (select thread_id from joiners)
order by size_rank;
