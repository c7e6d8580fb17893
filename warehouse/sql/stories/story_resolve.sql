-- What an id names: a thread, a story, or an article (then: the article's story). One row or none.
with found as (
    select 'thread' as kind, thread_id as id, 0 as rank from threads where thread_id = $id
    union all
    select 'story', story_id, 1 from stories where story_id = $id
    union all
    select 'article', story_id, 2 from story_articles where article_id = $id
)
select kind, id from found order by rank limit 1;
