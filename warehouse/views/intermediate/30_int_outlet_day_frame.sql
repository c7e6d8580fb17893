-- int_outlet_day_frame_live: one row per outlet, day and predicted frame (current model).
-- Columns: outlet_id, day, week, month, frame, n_with_frame (articles whose frames include it),
-- n_primary (articles whose primary frame it is).
create or replace view int_outlet_day_frame_live as
with framed as (
    select outlet_id, day, week, month, primary_frame, unnest(frames) as frame
    from int_article_scores
),
final as (
    select outlet_id, day, week, month, frame,
           count(*)                                    as n_with_frame,
           count(*) filter (where primary_frame = frame) as n_primary
    from framed
    group by all
)
select * from final;

-- The marts read `int_outlet_day_frame`: on a writable connection it is the live view above (always correct);
-- warehouse.marts.refresh_marts materializes it into rollup_int_outlet_day_frame and points `int_outlet_day_frame` there
-- (sql/analytics_use_rollups.sql), so the published snapshot answers in milliseconds.
create or replace view int_outlet_day_frame as select * from int_outlet_day_frame_live;
