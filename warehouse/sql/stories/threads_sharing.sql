-- Threads whose subject carries any of the given names (the only ones a new story can join).
select thread_id, subject, centroid_sum, n_stories
from threads
where len($names) > 0 and list_has_any(subject, $names);
