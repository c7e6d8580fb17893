-- shift_alert_evidence: each shift alert with its evidence articles, one row per article.
-- Columns: alert_id, week, outlet_id, outlet, dimension, label, direction, share, baseline_share,
-- p_value, q_value, article_id, title, url, published, frames, slant (the article's current prediction).
create or replace view shift_alert_evidence as
with unnested as (
    select alert_id, week, outlet_id, dimension, label, direction, share, baseline_share, p_value, q_value,
           unnest(evidence_article_ids) as article_id
    from shift_alerts
),
final as (
    select u.alert_id, u.week, u.outlet_id, o.name as outlet, u.dimension, u.label, u.direction, u.share,
           u.baseline_share, u.p_value, u.q_value, u.article_id, a.title, a.url, a.day as published,
           s.frames, s.slant
    from unnested u
    left join outlets o using (outlet_id)
    left join stg_articles a using (article_id)
    left join int_article_scores s using (article_id)
)
select * from final;
