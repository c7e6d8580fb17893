-- Gold decisions made since the last completed retrain run (all of them when there was none):
-- the monitor flow starts a retraining turn when this reaches its threshold.
with last_retrain as (
    select max(started_at) as at from runs where flow_name = 'retrain' and status = 'completed'
)
select count(*) as n
from gold_labels, last_retrain
where last_retrain.at is null or gold_labels.decided_at > last_retrain.at;
