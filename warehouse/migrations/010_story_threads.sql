-- 010: stories stay within one event window; threads link the stories of an ongoing topic.
--
-- A story is one event: its articles all fall within a few weeks of its first article (the grouping's
-- event window, flows/analysis/stories.py). An ongoing topic (one policy, reported again months later)
-- becomes a thread of stories instead of one story spanning years. Threads are rebuilt from the stories
-- after every grouping (flows/analysis/threads.py), so they carry no history of their own.
--
-- story_articles gets the two parts of its link score, so the score explains itself:
--   score = cosine + entity_weight * name_overlap  (0..2 with the default weight 1)

alter table story_articles add column cosine double;        -- embedding cosine to the member it matched
alter table story_articles add column name_overlap double;  -- idf-weighted Jaccard of their names, 0..1

create table threads (
    thread_id    varchar not null,         -- 'th-' + the id of its first story
    headline     varchar,                  -- the headline of its largest story
    first_day    date,
    last_day     date,
    n_stories    integer not null,
    n_articles   integer not null,
    n_outlets    integer not null,
    method       varchar not null,         -- thread-linking parameters
    updated_at   timestamp not null
);

create table story_threads (
    story_id      varchar not null,
    thread_id     varchar not null,
    score         double,                  -- the link score that admitted the story (null for the first)
    cosine        double,                  -- cosine of the two stories' centroids
    name_overlap  double,                  -- idf-weighted Jaccard of the two stories' recurring names
    linked_to     varchar,                 -- the story of the thread it matched best
    assigned_at   timestamp not null
);
