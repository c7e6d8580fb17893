-- int_article_scores_for(ids): what mart_articles holds for the articles of the table named `ids`: each
-- with its current-model prediction, calendar keys and topic, flattened, plus the decided frames and the
-- primary frame as flags in the model's frame order (the cell sums read them). The mart refresh
-- (warehouse.marts) calls it on the changed articles only; int_article_scores is it on every article.
-- Columns: as mart_articles (migration 008): article_id, outlet_id, day, week, month, topic, url, title,
-- published, model_version, scored_at, frame_probs, frame_flags, primary_flags, frames, primary_frame,
-- slant, slant_left, slant_center, slant_right, tone, tone_score, evidence, headline_frames,
-- headline_primary_frame.
create or replace macro int_article_scores_for(ids) as table
with keys as (
    select l.frame_keys
    from stg_label_sets l
    join models m using (model_version)
    where m.is_current
),
chosen as (
    select a.*
    from stg_articles a
    where a.article_id in (select article_id from query_table(ids))
),
final as (
    select a.article_id, a.outlet_id, a.day, a.week, a.month, coalesce(t.topic, 'other') as topic,
           a.url, a.title, a.published,
           p.model_version, p.scored_at, p.frame_probs,
           list_transform(k.frame_keys, lambda f: cast(list_contains(p.frames, f) as utinyint)) as frame_flags,
           list_transform(k.frame_keys, lambda f: cast(f = p.primary_frame as utinyint)) as primary_flags,
           p.frames, p.primary_frame, p.slant,
           p.slant_left, p.slant_center, p.slant_right, p.tone, p.tone_score, p.evidence,
           h.headline_frames, h.headline_primary_frame
    from chosen a
    join current_predictions_for(ids) p using (article_id)
    cross join keys k
    left join article_topics_for(ids) t using (article_id)
    left join headline_predictions_for(ids) h using (article_id)
)
select * from final;

-- int_article_scores: int_article_scores_for on every article. Columns: as int_article_scores_for.
create or replace view int_article_scores as
with final as (
    select * from int_article_scores_for('articles')
)
select * from final;
