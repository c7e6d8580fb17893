update runs set finished_at = ?, status = ?, counts = ?, n_errors = ? where run_id = ?;
