-- shift_alerts: the outlet x label shifts that fired (see shift_tests for every test of a week and why
-- the others did not fire, and shift_checks for one line per tested week).
-- Columns: week, model_version, outlet_id, outlet, dimension, label, n_articles, share, baseline_share,
-- diff, p_value, q_value, reason, evidence_article_ids.
create or replace view shift_alerts as
with final as (
    select t.week, t.model_version, t.outlet_id, o.name as outlet, t.dimension, t.label, t.n_articles,
           t.share, t.baseline_share, t.diff, t.p_value, t.q_value, t.reason, t.evidence_article_ids
    from shift_tests t
    left join outlets o using (outlet_id)
    where t.alert
)
select * from final;

-- shift_alert_evidence: each shift alert with its evidence articles, one row per article.
-- Columns: week, outlet_id, outlet, dimension, label, share, baseline_share, q_value, article_id, title,
-- url, published, frames, slant (the article's current prediction).
create or replace view shift_alert_evidence as
with unnested as (
    select week, outlet_id, outlet, dimension, label, share, baseline_share, q_value,
           unnest(evidence_article_ids) as article_id
    from shift_alerts
),
final as (
    select u.week, u.outlet_id, u.outlet, u.dimension, u.label, u.share, u.baseline_share, u.q_value,
           u.article_id, m.title, m.url, m.day as published, m.frames, m.slant
    from unnested u
    left join mart_articles m using (article_id)
)
select * from final;
