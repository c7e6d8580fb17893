-- What the report's filters offer: topics (most articles first) and every month with articles (oldest
-- first: the From and To choices).
select 'topic' as kind, topic as value, count(*) as n from mart_articles group by topic
union all
select 'month', strftime(month, '%Y-%m'), count(*) from mart_articles group by month
order by kind, case when kind = 'topic' then n else 0 end desc, value;
