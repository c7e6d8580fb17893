-- Articles to export as labeling tasks, with the current model's prediction (null when unscored).
-- Parameter: $scope = 'queue' (queued for labeling) or 'all'.
with final as (
    select a.article_id, a.title, a.text, a.url, a.outlet_id, o.name as outlet, a.published,
           p.model_version, p.frame_probs, p.frames, p.primary_frame, p.slant_probs, p.slant, p.tone
    from articles a
    left join outlets o using (outlet_id)
    left join current_predictions p using (article_id)
    where $scope = 'all' or a.article_id in (select article_id from label_samples)
)
select * from final order by article_id;
