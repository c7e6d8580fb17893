-- The run `framewatch runs --errors` explains: the one that finished last. A monitor run finishes after
-- the collect / score / report runs inside it and carries their failures; a run still going counts
-- from its start.
select run_id, flow_name
from runs
order by coalesce(finished_at, started_at) desc, started_at desc
limit 1;
