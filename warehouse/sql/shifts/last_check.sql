-- The most recent shift check: the week tested and its one-line summary.
select week, model_version, checked_at, n_outlets, n_tested, n_alerts, summary
from shift_checks
order by checked_at desc
limit 1;
