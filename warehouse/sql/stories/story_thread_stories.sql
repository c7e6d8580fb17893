-- The stories of one thread, oldest first, with who covered each (story_coverage).
select story_id, thread_id, headline, first_day, last_day, span_days, n_articles, n_outlets, n_left,
       n_center, n_right, n_unknown, outlets, covered_by, blindspot
from story_coverage
where thread_id = $thread_id
order by first_day, story_id;
