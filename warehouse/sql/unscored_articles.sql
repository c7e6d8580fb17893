-- Articles with no prediction from model ? yet.
select a.article_id, a.title, a.text
from articles a
where not exists (
    select 1 from predictions p where p.article_id = a.article_id and p.model_version = ?
)
order by a.article_id;
