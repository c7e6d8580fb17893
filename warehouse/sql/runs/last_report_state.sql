-- The warehouse state (core/warehouse_state.sql) the last completed report run left behind (report_states).
select s.state
from report_states s
join runs r using (run_id)
where r.flow_name = 'report' and r.status = 'completed'
order by r.finished_at desc, s.recorded_at desc
limit 1;
