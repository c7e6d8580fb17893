-- The largest blindspot stories: covered by one side only, with why each counts (story_blindspots).
select story_id, thread_id, headline, first_day, last_day, n_articles, n_outlets, covered_by, missed_by,
       n_left, n_center, n_right, n_unknown, outlets, cohesion, why
from story_blindspots
order by n_outlets desc, n_articles desc, first_day desc, story_id
limit $limit;
