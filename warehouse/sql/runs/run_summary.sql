select run_id, status, counts, started_at, finished_at from runs where run_id = ?;
