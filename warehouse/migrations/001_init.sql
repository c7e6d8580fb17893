-- 001: the foundation schema. Migrations are append-only: never edit a released file, add a new one.
-- Only `articles` carries a primary key (hash of the normalized URL); fetch/prediction tables are
-- append-only and read through "latest"/"current" views.

create table outlets (
    outlet_id   varchar primary key,   -- slug, e.g. 'harbor-ledger'
    name        varchar not null,
    domain      varchar,
    country     varchar,
    kind        varchar,               -- wire service, national paper, blog, ...
    lean_prior  varchar,               -- left | center | right | null (unknown)
    lean_source varchar,               -- where the prior comes from
    added_at    timestamp not null default current_timestamp
);

create table feeds (
    feed_url    varchar primary key,
    outlet_id   varchar not null,
    kind        varchar not null default 'rss',   -- rss | atom | sitemap
    added_at    timestamp not null default current_timestamp
);

create table articles (
    article_id        varchar primary key,  -- first 16 hex of sha256(normalized url)
    outlet_id         varchar,
    url               varchar not null,     -- the URL as found in the feed
    canonical_url     varchar,              -- <link rel=canonical> when present
    normalized_url    varchar not null,     -- the dedup key source
    feed_url          varchar,
    title             varchar,
    byline            varchar,
    published         date,
    language          varchar,
    text              varchar not null,
    content_hash      varchar not null,     -- sha256 of the normalized body text
    raw_html_z        blob,                 -- zlib-compressed raw HTML, for re-extraction
    extractor         varchar,
    extractor_version varchar,
    first_run_id      varchar,
    fetched_at        timestamp not null
);

create table models (
    model_version varchar not null,
    kind          varchar not null,
    card          json,
    registered_at timestamp not null default current_timestamp,
    is_current    boolean not null default false
);

create table predictions (
    article_id     varchar not null,
    model_version  varchar not null,
    scored_at      timestamp not null,
    run_id         varchar,
    frame_probs    map(varchar, double) not null,
    frames         varchar[] not null,
    primary_frame  varchar not null,
    slant_probs    map(varchar, double) not null,
    slant          varchar not null,
    tone_score     double not null,
    tone           varchar not null,
    evidence       json
);

create table runs (
    run_id      varchar not null,
    flow_name   varchar not null,
    started_at  timestamp not null,
    finished_at timestamp,
    status      varchar not null,      -- running | completed | failed
    params      json,
    counts      json,
    n_errors    integer
);

create table run_errors (
    run_id   varchar not null,
    stage    varchar not null,         -- feed | fetch | extract | import | score
    source   varchar not null,         -- the feed or page URL, or file path
    reason   varchar not null,         -- short machine-friendly reason, e.g. 'http_503', 'malformed_feed'
    detail   varchar,
    occurred_at timestamp not null default current_timestamp
);
