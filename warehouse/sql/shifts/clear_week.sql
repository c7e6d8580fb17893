-- A week checked again replaces its earlier checks for the same model.
delete from shift_tests where week = $week and model_version = $model_version;
delete from shift_checks where week = $week and model_version = $model_version;
