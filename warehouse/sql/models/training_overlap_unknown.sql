-- A check that could not be made: the model's training data is not known here ($source says why).
insert into model_training_checks
    (model_version, checked_at, articles_checked, articles_in_training, known, source)
select $model_version, $checked_at, (select count(*) from articles), 0, false, $source;
