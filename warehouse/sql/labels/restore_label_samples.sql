-- Recovery: queue entries from the labels export (registered batch `batch`) that the database lacks,
-- known by batch, article and annotator.
insert into label_samples
select batch_id, article_id, outlet_id, strategy, score, position, annotator, created_at
from batch b
where not exists (
    select 1 from label_samples s
    where s.batch_id = b.batch_id and s.article_id = b.article_id
      and coalesce(s.annotator, '') = coalesce(b.annotator, '')
)
qualify row_number() over (partition by b.batch_id, b.article_id, coalesce(b.annotator, '')) = 1
returning article_id;
