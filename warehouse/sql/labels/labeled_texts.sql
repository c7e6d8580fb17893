-- Title and text of every article already labeled or queued (what diversity sampling moves away from).
with seen as (
    select article_id from labels_current
    union select article_id from label_samples
    union select article_id from gold_labels
)
select a.article_id, a.title, a.text from articles a where a.article_id in (select article_id from seen)
order by a.article_id;
