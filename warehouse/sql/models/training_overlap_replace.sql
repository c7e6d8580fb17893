-- Replace the record of which stored articles $model_version was trained on: the text keys of its training
-- rows are in the registered table batch (key: first 16 hex digits of a content hash; tasks); then one
-- check row. Run by warehouse.training_overlap.record in one transaction.
delete from model_training_articles where model_version = $model_version;

insert into model_training_articles (model_version, article_id, tasks, exact)
select $model_version, a.article_id, k.tasks, $exact
from articles a
join batch k on k.key = left(a.content_hash, 16);

insert into model_training_checks
    (model_version, checked_at, articles_checked, articles_in_training, known, source)
select $model_version, $checked_at, (select count(*) from articles),
       (select count(*) from model_training_articles where model_version = $model_version), true, $source;
