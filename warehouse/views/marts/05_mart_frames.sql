-- mart_frame_order: the frames of the marts' model, in the order of mart_articles.frame_probs.
-- Columns: i (1-based position), frame.
create or replace view mart_frame_order as
with latest as (
    select frame_keys from mart_state order by refreshed_at desc limit 1
),
final as (
    select unnest(range(1, len(frame_keys) + 1)) as i, unnest(frame_keys) as frame from latest
)
select * from final;
