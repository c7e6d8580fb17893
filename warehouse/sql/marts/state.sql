-- The latest refresh of the marts.
select refreshed_at, current_model, frame_keys, slant_keys, watermark, topics_version, mode, articles_changed,
       seconds
from mart_state
order by refreshed_at desc
limit 1;
