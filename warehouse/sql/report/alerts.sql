-- The latest week's shift alerts, strongest first.
select a.week, coalesce(a.outlet, a.outlet_id) as outlet, a.dimension, a.label,
       case when a.diff > 0 then 'up' else 'down' end as direction, a.share, a.baseline_share, a.n_articles,
       a.q_value, len(a.evidence_article_ids) as n_evidence
from shift_alerts a
where a.week = (select max(week) from shift_alerts)
order by a.q_value, abs(a.diff) desc
limit $limit;
