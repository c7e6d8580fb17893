-- The warehouse state (warehouse_state.sql) the last completed report run left behind.
select json_extract_string(counts, '$.state')
from runs
where flow_name = 'report' and status = 'completed'
order by finished_at desc
limit 1;
