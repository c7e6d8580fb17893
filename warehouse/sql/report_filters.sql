-- What the report's filters offer: topics (most articles first), months (latest first) and the latest week.
select 'topic' as kind, topic as value, count(*) as n from mart_articles group by topic
union all
select 'month', strftime(month, '%Y-%m'), count(*) from mart_articles group by month
union all
select 'last_week', cast(max(week) as varchar), 0 from mart_articles having count(*) > 0
order by kind, case when kind = 'topic' then n else 0 end desc, value desc;
