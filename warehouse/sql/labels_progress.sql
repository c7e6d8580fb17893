-- Progress of one annotator over their queue, and of everyone. Parameter: $annotator.
with queue as (
    select distinct article_id from label_samples where annotator is null or annotator = $annotator
),
mine as (
    select article_id from labels_current where annotator = $annotator
),
final as (
    select (select count(*) from queue)                                               as queued,
           (select count(*) from queue where article_id in (select article_id from mine)) as done,
           (select count(*) from mine)                                                as labeled_by_me,
           (select count(distinct article_id) from labels_current)                    as labeled_by_anyone,
           (select count(distinct annotator) from labels_current)                     as annotators
)
select * from final;
