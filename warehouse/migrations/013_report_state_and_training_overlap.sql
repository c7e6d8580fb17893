-- 013: (1) what a report was made of is kept apart from the run's counts, which people read (`framewatch
-- runs`); (2) which stored articles the current model was trained on, so every figure computed on them can
-- say it is in-sample and how many (written by the report flow, flows/training_overlap.py).

-- (1) One row per completed report run: the warehouse state it showed (flows.report_state.report_key). The
-- monitor compares the current state with the last one to skip a report that would come out the same.
create table report_states (
    run_id       varchar not null,        -- runs.run_id of the report run
    state        varchar not null,
    recorded_at  timestamp not null
);

insert into report_states (run_id, state, recorded_at)
select run_id, json_extract_string(counts, '$.state'), coalesce(finished_at, started_at)
from runs
where flow_name = 'report' and json_extract_string(counts, '$.state') is not null;

comment on column runs.flow_name is 'monitor | import | collect | score | report | retrain';

-- (2) The stored articles a model was trained on: their body text's content hash (first 16 hex digits) is
-- among the model's training texts (classifier.in_sample). `tasks`: which of its tasks trained on it
-- (frames, slant); `exact` false when the model trained on a sample of the files the article is in.
create table model_training_articles (
    model_version  varchar not null,
    article_id     varchar not null,
    tasks          varchar not null,
    exact          boolean not null
);

-- Each check of the stored articles against a model's training data: how many were checked, how many are
-- in it, and how the training data was known (or why it could not be).
create table model_training_checks (
    model_version        varchar not null,
    checked_at           timestamp not null,
    articles_checked     bigint not null,
    articles_in_training bigint not null,
    known                boolean not null,
    source               varchar not null
);
