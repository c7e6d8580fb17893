-- Articles per current topic and how it was given.
select coalesce(t.topic, 'other') as topic, coalesce(t.method, 'none') as method, count(*) as articles
from articles a
left join stg_article_topics t using (article_id)
group by all
order by articles desc, topic;
