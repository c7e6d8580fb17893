-- stg_articles: articles without their text, with the calendar keys every mart groups by.
-- Columns: article_id, outlet_id, url, title, published (date or null), day (published, else the
-- fetch date), week (Monday of that day's week), month (first day of that month).
create or replace view stg_articles as
with dated as (
    select article_id, outlet_id, url, title, published,
           coalesce(published, cast(fetched_at as date)) as day
    from articles
),
final as (
    select article_id, outlet_id, url, title, published, day,
           cast(date_trunc('week', day) as date)  as week,
           cast(date_trunc('month', day) as date) as month
    from dated
)
select * from final;
