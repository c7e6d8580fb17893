-- The page URLs whose fetch or extraction failed in the latest completed collect run: a quiet monitoring
-- run (flows.monitor_check) leaves them to the next flow run instead of counting them as new work.
with last_collect as (
    select run_id
    from runs
    where flow_name = 'collect' and status = 'completed'
    order by started_at desc
    limit 1
)
select distinct e.source
from run_errors e
join last_collect using (run_id)
where e.stage in ('fetch', 'extract')
