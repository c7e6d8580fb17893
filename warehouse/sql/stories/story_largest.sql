-- The largest stories (most outlets, then articles), with their span, thread and coverage by lean.
select c.story_id, c.thread_id, c.headline, c.first_day, c.last_day, c.span_days, c.n_articles, c.n_outlets,
       c.n_left, c.n_center, c.n_right, c.n_unknown, c.outlets, c.covered_by, c.blindspot,
       coalesce(th.n_stories, 1) as thread_stories
from story_coverage c
left join threads th using (thread_id)
order by c.n_outlets desc, c.n_articles desc, c.first_day desc, c.story_id
limit $limit;
