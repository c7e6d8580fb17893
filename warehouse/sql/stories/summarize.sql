-- Rebuild the summary rows of the stories the batch touched (one row per story).
delete from stories where story_id in (select story_id from batch);
insert into stories (story_id, headline, first_day, last_day, n_articles, n_outlets, method, updated_at)
with members as (
    select sa.story_id, a.article_id, a.outlet_id, a.title, coalesce(a.published, cast(a.fetched_at as date)) as day
    from story_articles sa
    join articles a using (article_id)
    where sa.story_id in (select story_id from batch)
),
final as (
    select story_id,
           arg_min(title, day) as headline,
           min(day) as first_day,
           max(day) as last_day,
           count(*) as n_articles,
           count(distinct outlet_id) as n_outlets,
           $method as method,
           $updated_at as updated_at
    from members
    group by story_id
)
select * from final;
