-- Articles that need a topic from taxonomy $version: no imported topic and no topic of that version yet.
select a.article_id, a.title, a.text
from articles a
where not exists (
    select 1 from article_topics t
    where t.article_id = a.article_id and (t.method = 'import' or t.version = $version)
)
order by a.article_id
limit $limit;
