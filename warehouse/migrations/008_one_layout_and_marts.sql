-- 008: one storage layout for predictions; marts as tables refreshed after each run; topics.
--
-- (1) Predictions keep their probabilities as float lists in the order recorded per model version in
-- model_label_sets (the layout the bulk path used: Arrow lists load ~10x faster than MAPs). Rows of the
-- MAP layout are converted, predictions_compact is merged in, and both old tables are dropped, so there is
-- one table and the staging views need no union. Headline predictions get the same layout.

insert into model_label_sets (model_version, frame_keys, slant_keys, recorded_at)
with versions as (
    select model_version, any_value(frame_probs) as fp, any_value(slant_probs) as sp
    from predictions
    group by model_version
)
select model_version, map_keys(fp), map_keys(sp), current_timestamp
from versions
where model_version not in (select model_version from model_label_sets);

insert into model_label_sets (model_version, frame_keys, slant_keys, recorded_at)
with versions as (
    select model_version, any_value(frame_probs) as fp
    from headline_predictions
    where frame_probs is not null
    group by model_version
)
select model_version, map_keys(fp), ['left', 'center', 'right'], current_timestamp
from versions
where model_version not in (select model_version from model_label_sets);

create table predictions_one_layout (
    article_id     varchar not null,
    model_version  varchar not null,
    scored_at      timestamp not null,
    run_id         varchar,
    frame_probs    float[] not null,      -- per frame, in model_label_sets.frame_keys order (calibrated)
    frames         varchar[] not null,    -- frames over their thresholds, the primary frame always included
    primary_frame  varchar not null,
    slant_probs    float[] not null,      -- per slant class, in model_label_sets.slant_keys order
    slant          varchar not null,
    tone_score     double not null,
    tone           varchar not null,
    evidence       json
);

insert into predictions_one_layout
with label_sets as (
    select model_version, frame_keys, slant_keys
    from model_label_sets
    qualify row_number() over (partition by model_version order by recorded_at desc) = 1
)
select p.article_id, p.model_version, p.scored_at, p.run_id,
       list_transform(l.frame_keys, lambda k: cast(coalesce(p.frame_probs[k], 0) as float)),
       p.frames, p.primary_frame,
       list_transform(l.slant_keys, lambda k: cast(coalesce(p.slant_probs[k], 0) as float)),
       p.slant, p.tone_score, p.tone, p.evidence
from predictions p
join label_sets l using (model_version);

insert into predictions_one_layout
select article_id, model_version, scored_at, run_id, frame_probs, frames, primary_frame, slant_probs, slant,
       tone_score, tone, evidence
from predictions_compact;

drop table predictions;
drop table predictions_compact;
alter table predictions_one_layout rename to predictions;

create table headline_one_layout (
    article_id     varchar not null,
    model_version  varchar not null,       -- the model that scored the body
    scored_at      timestamp not null,
    run_id         varchar,
    frame_probs    float[],                -- optional, in model_label_sets.frame_keys order
    frames         varchar[] not null,     -- frames predicted for the headline alone (may be empty)
    primary_frame  varchar,
    slant          varchar,
    tone_score     double
);

insert into headline_one_layout
with label_sets as (
    select model_version, frame_keys
    from model_label_sets
    qualify row_number() over (partition by model_version order by recorded_at desc) = 1
)
select h.article_id, h.model_version, h.scored_at, h.run_id,
       case when h.frame_probs is null then null
            else list_transform(l.frame_keys, lambda k: cast(coalesce(h.frame_probs[k], 0) as float)) end,
       h.frames, h.primary_frame, h.slant, h.tone_score
from headline_predictions h
left join label_sets l using (model_version);

drop table headline_predictions;
alter table headline_one_layout rename to headline_predictions;

-- (2) Topics: what an article is about (immigration, elections, ...). An imported file's `topic` field is
-- kept as given (method 'import'); other articles get the topic of the analyst-editable taxonomy
-- (flows/analysis/topics.toml, method 'taxonomy', with its version). The latest row of the highest
-- priority method wins (stg_article_topics).
create table article_topics (
    article_id   varchar not null,
    topic        varchar not null,        -- a taxonomy topic id, e.g. 'immigration'; 'other' when none matched
    method       varchar not null,        -- import | taxonomy
    version      varchar,                 -- the taxonomy version (null for imports)
    score        double,                  -- taxonomy: keyword hits that decided it
    assigned_at  timestamp not null
);

-- (3) Marts are tables, rebuilt or extended by warehouse.marts.refresh_marts after every run (never
-- redefined by whoever wrote last). mart_articles holds the current model's latest prediction of each
-- article; the *_cells tables hold additive sums per grain (day, week, month, all), period, outlet and
-- topic ('*' = every topic), from which every share, interval, lift and change is computed by one view
-- each (warehouse/views/marts). The previous rollup tables and their state table are dropped.
drop table if exists mart_state;

create table mart_state (
    refreshed_at      timestamp not null,
    current_model     varchar,
    frame_keys        varchar[],           -- the order of mart_articles.frame_probs
    slant_keys        varchar[],
    watermark         timestamp,           -- rows written up to here are in the marts
    topics_version    varchar,             -- the taxonomy version the marts were built with
    mode              varchar not null,    -- full | incremental | unchanged
    articles_changed  bigint not null,
    seconds           double not null
);

create table mart_articles (
    article_id        varchar not null,
    outlet_id         varchar,
    day               date not null,      -- published, else the fetch date
    week              date not null,      -- Monday of that week
    month             date not null,      -- first day of that month
    topic             varchar not null,
    url               varchar,
    title             varchar,
    published         date,
    model_version     varchar not null,
    scored_at         timestamp not null,
    frame_probs       float[] not null,   -- calibrated, in mart_state.frame_keys order
    frame_flags       utinyint[] not null, -- 1 where the frame is in `frames` (same order)
    primary_flags     utinyint[] not null, -- 1 at the primary frame (same order)
    frames            varchar[] not null,
    primary_frame     varchar not null,
    slant             varchar not null,
    slant_left        double,
    slant_center      double,
    slant_right       double,
    tone              varchar not null,
    tone_score        double not null,
    evidence          json,
    headline_frames   varchar[],
    headline_primary_frame varchar
);

create table mart_frame_cells (
    grain       varchar not null,         -- day | week | month | all
    period      date not null,            -- first day of the period ('all': 1970-01-01)
    outlet_id   varchar not null,
    topic       varchar not null,         -- '*' = all topics
    frame       varchar not null,
    n_articles  bigint not null,
    sum_p       double not null,          -- sum of calibrated probabilities of the frame
    sum_p2      double not null,          -- sum of their squares (for the interval)
    n_labeled   bigint not null,          -- articles whose frame set includes the frame (classify and count)
    n_primary   bigint not null           -- articles whose primary frame it is
);

create table mart_slant_cells (
    grain        varchar not null,
    period       date not null,
    outlet_id    varchar not null,
    topic        varchar not null,
    n_articles   bigint not null,
    sum_left     double not null,         -- sums of slant probabilities
    sum_center   double not null,
    sum_right    double not null,
    sum_left2    double not null,         -- and of their squares
    sum_center2  double not null,
    sum_right2   double not null,
    sum_score    double not null,         -- slant score = P(right) - P(left), in [-1, 1]
    sum_score2   double not null,
    n_left       bigint not null,         -- articles whose predicted slant is left / center / right
    n_center     bigint not null,
    n_right      bigint not null,
    sum_tone     double not null,
    sum_tone2    double not null,
    n_positive   bigint not null,
    n_neutral    bigint not null,
    n_negative   bigint not null
);

-- (4) Shift checks: every outlet x label tested for a week, alert or not, with why (the old alerts
-- table counted articles over thresholds; shares are now estimates, tested as differences of means).
drop table if exists shift_alerts;

create table shift_tests (
    week             date not null,        -- Monday of the week tested
    model_version    varchar not null,
    checked_at       timestamp not null,
    outlet_id        varchar not null,
    dimension        varchar not null,     -- frame | slant
    label            varchar not null,     -- the frame name or slant label
    n_articles       bigint not null,      -- the outlet's articles that week
    share            double not null,      -- estimated share that week
    baseline_weeks   bigint not null,      -- weeks with articles in the 12 weeks before
    baseline_articles bigint not null,
    baseline_share   double,               -- estimated share over the baseline weeks
    diff             double,               -- share - baseline_share
    p_value          double,               -- two-sided, Welch z-test on the difference of means
    q_value          double,               -- Benjamini-Hochberg within the week's tests
    alert            boolean not null,
    reason           varchar not null,     -- why it fired, or why not (too few articles, small change, q)
    test             varchar not null,
    evidence_article_ids varchar[] not null
);

create table shift_checks (
    week            date not null,
    model_version   varchar,
    checked_at      timestamp not null,
    n_outlets       bigint not null,       -- outlets with articles that week
    n_tested        bigint not null,       -- outlet x label cells tested
    n_alerts        bigint not null,
    summary         varchar not null       -- one line: what was tested and why nothing (or what) fired
);
