-- The latest evaluation of one model version on one dataset (all its metric rows).
with latest as (
    select max(evaluated_at) as evaluated_at
    from model_metrics
    where model_version = $version and dataset = $dataset
),

final as (
    select m.task, m.slice, m.metric, m.value, m.n, m.protocol, m.evaluated_at
    from model_metrics as m
    inner join latest as l on m.evaluated_at = l.evaluated_at
    where m.model_version = $version and m.dataset = $dataset
)

select * from final
order by task, slice, metric
