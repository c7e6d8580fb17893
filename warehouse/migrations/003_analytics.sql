-- 003: analytics. Headline framing, a bulk-load layout for predictions, story grouping, shift alerts and
-- the state of the materialized marts. Append-only like the rest, except the derived tables (stories,
-- story_articles, rollups), which the grouping and refresh jobs rebuild from the source tables.

-- Frame predictions for the headline alone (the same model scores the title as its own document).
-- One row per (article, model version, scoring); read through stg_headline_predictions (latest wins).
create table headline_predictions (
    article_id     varchar not null,
    model_version  varchar not null,       -- must be the model that scored the body (predictions.model_version)
    scored_at      timestamp not null,
    run_id         varchar,
    frame_probs    map(varchar, double),   -- optional: every frame's probability for the headline
    frames         varchar[] not null,     -- frames predicted for the headline alone (may be empty)
    primary_frame  varchar,                -- the headline's top frame
    slant          varchar,                -- optional: slant of the headline alone
    tone_score     double                  -- optional: tone of the headline alone (-1..1)
);

-- The label order of list-valued probabilities in predictions_compact, per model version.
create table model_label_sets (
    model_version varchar not null,
    frame_keys    varchar[] not null,      -- frame names, in the order of predictions_compact.frame_probs
    slant_keys    varchar[] not null,      -- slant labels, in the order of predictions_compact.slant_probs
    recorded_at   timestamp not null default current_timestamp
);

-- Bulk-load layout of `predictions`: probabilities as plain float lists in model_label_sets order
-- instead of MAPs (Arrow MAP -> DuckDB MAP converts at ~0.15 M rows/s; lists at > 1 M rows/s).
-- stg_predictions reads both tables and rebuilds the MAPs, so every view's output is the same.
create table predictions_compact (
    article_id     varchar not null,
    model_version  varchar not null,
    scored_at      timestamp not null,
    run_id         varchar,
    frame_probs    float[] not null,
    frames         varchar[] not null,
    primary_frame  varchar not null,
    slant_probs    float[] not null,
    slant          varchar not null,
    tone_score     double not null,
    tone           varchar not null,
    evidence       json
);

-- Sentence embeddings used for story grouping (computed once per article and embedding model).
create table article_embeddings (
    article_id  varchar not null,
    model       varchar not null,          -- e.g. 'all-MiniLM-L6-v2'
    embedding   float[] not null,          -- L2-normalized
    created_at  timestamp not null
);

-- Stories: articles about the same event across outlets (rebuilt or extended by warehouse.stories).
create table stories (
    story_id     varchar not null,         -- 'st-' + the first article's id
    headline     varchar,                  -- the first article's title
    first_day    date,
    last_day     date,
    n_articles   integer not null,
    n_outlets    integer not null,
    method       varchar not null,         -- grouping parameters, e.g. 'minilm+entities w=14d tau=0.6'
    updated_at   timestamp not null
);

create table story_articles (
    story_id    varchar not null,
    article_id  varchar not null,
    score       double,                    -- the link score that admitted the article (null for the first)
    linked_to   varchar,                   -- the member it matched best
    assigned_at timestamp not null
);

-- Shift alerts: outlet x frame (or slant) changes unlikely given the outlet's own history.
create table shift_alerts (
    alert_id         varchar not null,     -- outlet|dimension|label|week|model_version
    detected_at      timestamp not null,
    model_version    varchar not null,
    outlet_id        varchar not null,
    dimension        varchar not null,     -- frame | slant
    label            varchar not null,     -- the frame name or slant label
    week             date not null,        -- Monday of the week tested
    n_articles       integer not null,     -- the outlet's scored articles that week
    n_with_label     integer not null,
    share            double not null,
    baseline_weeks   integer not null,
    baseline_articles integer not null,
    baseline_with_label integer not null,
    baseline_share   double not null,
    direction        varchar not null,     -- up | down
    test             varchar not null,     -- e.g. 'fisher_exact two-sided, BH q<0.05, |diff|>=0.10'
    p_value          double not null,
    q_value          double not null,      -- Benjamini-Hochberg adjusted within the week's tests
    evidence_article_ids varchar[] not null
);

-- What the materialized marts were built from (see warehouse.marts.refresh_marts).
create table mart_state (
    refreshed_at  timestamp not null,
    current_model varchar,
    n_predictions bigint not null,
    n_compact     bigint not null,
    n_headlines   bigint not null,
    n_articles    bigint not null
);
