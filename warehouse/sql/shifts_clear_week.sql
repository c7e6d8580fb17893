delete from shift_alerts where week = $week and model_version = $model_version;
