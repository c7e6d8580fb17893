-- One article as the labeling page shows it: text, outlet and the current model's suggestion (if any),
-- plus this annotator's standing label. Parameters: $article_id, $annotator.
with mine as (
    select * from labels_current where article_id = $article_id and annotator = $annotator
),
final as (
    select a.article_id, a.title, a.text, a.url, a.published, a.outlet_id, o.name as outlet,
           p.model_version, p.frame_probs, p.frames as suggested_frames, p.primary_frame as suggested_primary,
           p.slant_probs, p.slant as suggested_slant, p.tone as suggested_tone, p.tone_score, p.evidence,
           m.frames as my_frames, m.primary_frame as my_primary, m.slant as my_slant, m.tone as my_tone,
           a.article_id in (select article_id from label_test_set) as in_test_set
    from articles a
    left join outlets o using (outlet_id)
    left join current_predictions p using (article_id)
    left join mine m using (article_id)
    where a.article_id = $article_id
)
select * from final;
