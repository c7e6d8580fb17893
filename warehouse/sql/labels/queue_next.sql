-- The next article for an annotator in one queue: $queue = 'train' (articles queued for labeling, never
-- the frozen test set) or 'test' (the frozen test set's own queue). Queued for them or for everyone, not
-- yet labeled by them, earliest batch first and in batch order. Parameters: $annotator, $queue, $skip.
with queue as (
    select article_id, min(created_at) as created_at, min(position) as position
    from label_samples
    where (annotator is null or annotator = $annotator)
      and (strategy = 'test') = ($queue = 'test')
      and (article_id in (select article_id from label_test_set)) = ($queue = 'test')
    group by article_id
),
todo as (
    select q.*
    from queue q
    where q.article_id not in (select article_id from labels_current where annotator = $annotator)
      and not list_contains(cast($skip as varchar[]), q.article_id)
),
final as (
    select article_id from todo order by created_at, position, article_id limit 1
)
select * from final;
