-- The label order of a model version's probability lists (the first recording).
select frame_keys, slant_keys
from model_label_sets
where model_version = $1
order by recorded_at
limit 1;
