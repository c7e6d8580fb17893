-- The next article for an annotator: queued for them or for everyone, not yet labeled by them, earliest
-- batch first and in batch order; test-set articles lead. Parameters: $annotator, $skip (ids to pass over).
with queue as (
    select article_id, min(created_at) as created_at, min(position) as position,
           bool_or(strategy = 'test') as is_test
    from label_samples
    where annotator is null or annotator = $annotator
    group by article_id
),
todo as (
    select q.*
    from queue q
    where q.article_id not in (select article_id from labels_current where annotator = $annotator)
      and not list_contains(cast($skip as varchar[]), q.article_id)
),
final as (
    select article_id from todo order by is_test desc, created_at, position, article_id limit 1
)
select * from final;
