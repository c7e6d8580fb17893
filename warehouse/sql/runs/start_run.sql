insert into runs (run_id, flow_name, started_at, status, params) values (?, ?, ?, 'running', ?);
