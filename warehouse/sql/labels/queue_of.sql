-- Which of an annotator's queues holds an article: 'test' (the frozen test set's queue), 'train' (the
-- labeling queue) or no row (not queued for them: the page refuses to label it).
-- Parameters: $article_id, $annotator.
with entries as (
    select s.strategy = 'test' and s.article_id in (select article_id from label_test_set) as is_test,
           s.strategy <> 'test' and s.article_id not in (select article_id from label_test_set) as is_train
    from label_samples s
    where s.article_id = $article_id and (s.annotator is null or s.annotator = $annotator)
),
final as (
    select case when bool_or(is_test) then 'test' when bool_or(is_train) then 'train' end as queue
    from entries
)
select queue from final where queue is not null;
