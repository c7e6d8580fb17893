-- stg_article_topics: one topic per article: the topic an imported file gave it, else the latest topic the
-- taxonomy assigned (flows/analysis/topics.py). Articles with neither have no row (marts call them 'other').
-- Columns: article_id, topic, method (import | taxonomy), version (taxonomy version), assigned_at.
create or replace view stg_article_topics as
with final as (
    select article_id, topic, method, version, assigned_at
    from article_topics
    qualify row_number() over (
        partition by article_id
        order by case method when 'import' then 0 else 1 end, assigned_at desc
    ) = 1
)
select * from final;
