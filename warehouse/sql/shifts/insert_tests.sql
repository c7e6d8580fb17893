insert into shift_tests
select week, model_version, checked_at, outlet_id, dimension, label, n_articles, share, baseline_weeks,
       baseline_articles, baseline_share, diff, p_value, q_value, alert, reason, test, evidence_article_ids
from batch;
