-- The latest check of the stored articles against $model_version's training data, and how many articles
-- are stored now (a check is current when it saw them all).
select c.articles_checked, c.articles_in_training, c.known, c.source, c.checked_at,
       (select count(*) from articles) as articles_now
from model_training_checks c
where c.model_version = $model_version
order by c.checked_at desc
limit 1;
