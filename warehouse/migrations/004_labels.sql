-- 004: the labeling workflow. Append-only like the rest: a label is never updated or deleted;
-- an undo is a new row pointing at the label it retracts; gold labels are appended, the latest wins.

-- Every label an annotator gave (action 'label') and every retraction (action 'undo', `undoes` = label_id).
create table labels (
    label_id         varchar not null,      -- uuid hex
    article_id       varchar not null,
    annotator        varchar not null,      -- the name the annotator gave
    action           varchar not null,      -- label | undo
    undoes           varchar,               -- for undo rows: the label_id retracted
    frames           varchar[],             -- MFC frame names, codebook order (null for undo rows)
    primary_frame    varchar,
    slant            varchar,
    tone             varchar,
    codebook_version varchar not null,      -- the codebook the label was made (or validated) under
    labeled_at       timestamp not null,
    source           varchar not null,      -- page | label-studio | jsonl
    import_id        varchar,               -- the import (one file) the row came from
    note             varchar
);

-- Articles picked for labeling, batch by batch; annotator null = open to every annotator.
create table label_samples (
    batch_id    varchar not null,
    article_id  varchar not null,
    outlet_id   varchar,
    strategy    varchar not null,           -- test | uncertainty | diversity | random
    score       double,                     -- the strategy's score (uncertainty, distance); null for random
    position    integer not null,           -- order within the batch
    annotator   varchar,
    created_at  timestamp not null
);

-- The frozen test set: articles drawn at random (stratified by outlet) once, labeled like the others,
-- used only to evaluate models and never to train them. Rows are only ever added.
create table label_test_set (
    article_id  varchar not null,
    outlet_id   varchar,
    batch_id    varchar not null,
    frozen_at   timestamp not null
);

-- Gold labels from adjudication (latest row per article wins).
create table gold_labels (
    article_id       varchar not null,
    frames           varchar[] not null,
    primary_frame    varchar not null,
    slant            varchar not null,
    tone             varchar not null,
    codebook_version varchar not null,
    method           varchar not null,      -- unanimous | majority | adjudicated | single
    adjudicator      varchar,               -- who decided (adjudicated rows)
    n_annotators     integer not null,
    decided_at       timestamp not null,
    note             varchar
);

-- labels_current: each annotator's standing label of each article (latest label not undone).
create view labels_current as
with retracted as (
    select undoes as label_id from labels where action = 'undo' and undoes is not null
),
live as (
    select * from labels where action = 'label' and label_id not in (select label_id from retracted)
),
ranked as (
    select *, row_number() over (partition by article_id, annotator order by labeled_at desc, label_id desc) as rn
    from live
),
final as (
    select label_id, article_id, annotator, frames, primary_frame, slant, tone, codebook_version,
           labeled_at, source
    from ranked where rn = 1
)
select * from final;

-- gold_current: the standing gold label of each article, with its test-set membership.
create view gold_current as
with ranked as (
    select *, row_number() over (partition by article_id order by decided_at desc) as rn
    from gold_labels
),
final as (
    select r.article_id, r.frames, r.primary_frame, r.slant, r.tone, r.codebook_version, r.method,
           r.adjudicator, r.n_annotators, r.decided_at,
           r.article_id in (select article_id from label_test_set) as in_test_set
    from ranked r where r.rn = 1
)
select * from final;
