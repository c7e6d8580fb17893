-- 006: document run statuses in the database itself (001 listed only running | completed | failed).
-- 'interrupted' is set by the next run for a run whose process died mid-way (kill -9, reboot, OOM):
-- see warehouse/sql/mark_interrupted_runs.sql. flow_name is monitor, collect, score, report or retrain
-- (monitor's parts record their own rows).
comment on column runs.status is 'running | completed | failed | interrupted (its process died; set by the next run)';
comment on column runs.flow_name is 'monitor | collect | score | report | retrain';
