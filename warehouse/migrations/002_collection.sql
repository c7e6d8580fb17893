-- 002: collection bookkeeping. Append-only tables beside `articles` (whose loader stays unchanged):
-- every feed fetch (feed health, conditional-GET validators), per-article collection metadata
-- (paywall flag, charset), MinHash signatures, and links between copies of one story.

create table feed_fetches (
    run_id        varchar,
    feed_url      varchar not null,
    outlet_id     varchar,
    kind          varchar,                -- rss | atom | sitemap
    fetched_at    timestamp not null,
    outcome       varchar not null,       -- ok | not_modified | failed
    http_status   integer,
    reason        varchar,                -- why it failed: 'http_503', 'malformed_feed', 'robots_disallowed', ...
    detail        varchar,
    items         integer not null default 0,   -- entries in the feed (0 unless ok)
    new_items     integer not null default 0,   -- entries not already stored
    etag          varchar,                -- validators for the next conditional GET
    last_modified varchar,
    elapsed_ms    integer
);

create table article_collection (
    article_id     varchar not null,
    run_id         varchar,
    final_url      varchar,               -- after redirects
    paywalled      boolean not null default false,   -- flagged from the page's own markup; never bypassed
    paywall_signal varchar,               -- 'jsonld_not_free' | 'microdata_not_free' | 'content_tier_locked' | ...
    encoding       varchar,               -- how raw_html_z decodes
    encoding_source varchar,              -- bom | header | meta | detected | default
    recorded_at    timestamp not null
);

create table article_minhashes (
    article_id    varchar not null,
    cluster_id    varchar not null,       -- the earliest article of its story (itself when original)
    scheme        varchar not null,       -- datasketch permutation scheme, e.g. 'affine32'
    num_perm      integer not null,
    seed          integer not null,
    shingle_words integer not null,
    hashvalues    ubigint[] not null,
    created_at    timestamp not null
);

create table article_links (
    article_id        varchar not null,   -- the copy (an exact copy is not stored in `articles`)
    linked_article_id varchar not null,   -- the stored article it copies
    relation          varchar not null,   -- near_duplicate | exact_duplicate
    similarity        double,             -- estimated Jaccard of word 5-gram shingles (1.0 for exact)
    cluster_id        varchar not null,   -- the story's first article: count copies per cluster
    outlet_id         varchar,            -- the copy's outlet and URL, so exact copies stay countable
    url               varchar,
    run_id            varchar,
    linked_at         timestamp not null
);
