-- Threads of more than one story, the largest first.
select thread_id, headline, first_day, last_day, n_stories, n_articles, n_outlets
from threads
where n_stories > 1
order by n_stories desc, n_articles desc, first_day desc, thread_id
limit $limit;
