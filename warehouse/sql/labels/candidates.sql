-- Articles that may be sampled for labeling: nobody labeled them, no gold label, not queued, not in the
-- test set. With the current model's probabilities (null when the article is unscored).
with taken as (
    select article_id from labels_current
    union select article_id from gold_labels
    union select article_id from label_samples
    union select article_id from label_test_set
),
final as (
    select a.article_id, coalesce(a.outlet_id, '?') as outlet_id, a.title, a.text,
           p.frame_probs, p.slant_probs
    from articles a
    left join current_predictions p using (article_id)
    where a.article_id not in (select article_id from taken)
)
select * from final order by article_id;
