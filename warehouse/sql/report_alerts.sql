-- The latest week's shift alerts, strongest first.
select a.week, coalesce(o.name, a.outlet_id) as outlet, a.dimension, a.label, a.direction, a.share,
       a.baseline_share, a.n_articles, a.q_value, len(a.evidence_article_ids) as n_evidence
from shift_alerts a
left join outlets o using (outlet_id)
where a.week = (select max(week) from shift_alerts)
order by a.q_value, abs(a.share - a.baseline_share) desc
limit $limit;
