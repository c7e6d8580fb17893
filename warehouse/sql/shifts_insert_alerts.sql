insert into shift_alerts
select alert_id, detected_at, model_version, outlet_id, dimension, label, week, n_articles, n_with_label,
       share, baseline_weeks, baseline_articles, baseline_with_label, baseline_share, direction, test,
       p_value, q_value, evidence_article_ids
from batch;
