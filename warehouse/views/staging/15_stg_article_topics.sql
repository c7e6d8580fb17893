-- article_topics_for(ids): one topic per article of the table named `ids` (any table with an article_id
-- column): the topic an imported file gave it, else the latest topic the taxonomy assigned
-- (flows/analysis/topics.py). Articles with neither have no row (marts call them 'other'). The mart
-- refresh calls it on the changed articles only; stg_article_topics is it on every article.
-- Columns: article_id, topic, method (import | taxonomy), version (taxonomy version), assigned_at.
create or replace macro article_topics_for(ids) as table
with final as (
    select article_id, topic, method, version, assigned_at
    from article_topics
    where article_id in (select article_id from query_table(ids))
    qualify row_number() over (
        partition by article_id
        order by case method when 'import' then 0 else 1 end, assigned_at desc
    ) = 1
)
select * from final;

-- stg_article_topics: article_topics_for on every article. Columns: as article_topics_for.
create or replace view stg_article_topics as
with final as (
    select * from article_topics_for('articles')
)
select * from final;
