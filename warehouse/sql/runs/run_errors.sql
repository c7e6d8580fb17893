select stage, source, reason, detail from run_errors where run_id = ? order by occurred_at, source;
