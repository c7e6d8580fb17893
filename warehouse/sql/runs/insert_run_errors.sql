insert into run_errors (run_id, stage, source, reason, detail, occurred_at)
select run_id, stage, source, reason, detail, occurred_at from batch;
