insert into shift_checks (week, model_version, checked_at, n_outlets, n_tested, n_alerts, summary)
values ($week, $model_version, $checked_at, $n_outlets, $n_tested, $n_alerts, $summary);
