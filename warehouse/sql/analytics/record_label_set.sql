-- Record a model version's label order, once (later recordings of the same version are ignored).
insert into model_label_sets (model_version, frame_keys, slant_keys, recorded_at)
select $1, $2, $3, $4
where not exists (select 1 from model_label_sets where model_version = $1);
