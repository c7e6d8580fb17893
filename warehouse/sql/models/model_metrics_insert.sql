insert into model_metrics
select model_version, evaluated_at, dataset, data_hash, protocol, task, slice, metric, value, n
from batch;
