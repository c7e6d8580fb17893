-- Progress of one annotator over their two queues (labeling; the frozen test set), and of everyone.
-- Parameter: $annotator.
with mine_queued as (
    select article_id, bool_or(strategy = 'test') as test_entry
    from label_samples where annotator is null or annotator = $annotator
    group by article_id
),
queue as (
    select article_id from mine_queued
    where not test_entry and article_id not in (select article_id from label_test_set)
),
test_queue as (
    select article_id from mine_queued
    where test_entry and article_id in (select article_id from label_test_set)
),
mine as (
    select article_id from labels_current where annotator = $annotator
),
final as (
    select (select count(*) from queue)                                                    as queued,
           (select count(*) from queue where article_id in (select article_id from mine))      as done,
           (select count(*) from test_queue)                                               as test_queued,
           (select count(*) from test_queue where article_id in (select article_id from mine)) as test_done,
           (select count(*) from label_test_set)                                           as test_set_size,
           (select count(*) from mine)                                                     as labeled_by_me,
           (select count(distinct article_id) from labels_current)                         as labeled_by_anyone,
           (select count(distinct annotator) from labels_current)                          as annotators
)
select * from final;
