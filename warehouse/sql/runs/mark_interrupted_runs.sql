-- Runs left 'running' by a process that is gone (killed, crashed, machine lost power). Called by a new run
-- that holds the write lock, so no other process can still be writing: a 'running' row is stale unless it
-- belongs to this very process (same host and pid), which may legitimately have another run going.
update runs
set status = 'interrupted', finished_at = $now, n_errors = coalesce(n_errors, 0)
where status = 'running'
  and run_id <> $run_id
  and (json_extract_string(params, '$.pid') is distinct from $pid
       or json_extract_string(params, '$.host') is distinct from $host)
returning run_id;
