-- Articles the model ? has not scored: no body prediction from it, or a title but no headline prediction
-- from it (articles scored before body and headline were stored together).
select a.article_id, a.title, a.text, a.language
from articles a
where not exists (
    select 1 from predictions p where p.article_id = a.article_id and p.model_version = $1
)
or (
    coalesce(a.title, '') <> ''
    and not exists (
        select 1 from headline_predictions h where h.article_id = a.article_id and h.model_version = $1
    )
)
order by a.article_id;
