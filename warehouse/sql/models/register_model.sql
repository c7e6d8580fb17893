-- Record a model version (once) and make it the current one for the views.
update models set is_current = false where is_current and model_version <> $version;
insert into models (model_version, kind, card, is_current)
select $version, $kind, $card, true
where not exists (select 1 from models where model_version = $version);
update models set is_current = true where model_version = $version;
