-- Record a model version evaluated but not necessarily current: insert it once, refresh its card.
insert into models (model_version, kind, card, is_current)
select $version, $kind, $card, false
where not exists (select 1 from models where model_version = $version);
update models set card = $card where model_version = $version;
