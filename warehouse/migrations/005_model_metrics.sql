-- Evaluation results per model version: one row per (task, slice, metric), appended on every evaluation.
-- slice: 'all', 'frame:<name>', 'class:<label>', 'language:<code>', 'outlet:<domain>'.
create table if not exists model_metrics (
    model_version varchar   not null,
    evaluated_at  timestamp not null,
    dataset       varchar   not null,
    data_hash     varchar,
    protocol      varchar,
    task          varchar   not null,
    slice         varchar   not null,
    metric        varchar   not null,
    value         double,
    n             integer
);
