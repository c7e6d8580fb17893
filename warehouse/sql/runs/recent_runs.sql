select run_id, flow_name, started_at, finished_at, status, n_errors, counts
from runs order by started_at desc limit ?;
