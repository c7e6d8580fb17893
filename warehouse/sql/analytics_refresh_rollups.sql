-- Materialize the heavy views (warehouse.marts.refresh_marts), in dependency order: each view's live
-- result becomes rollup_<view>, then the view name is pointed at it, so the views built on it read the
-- rollup too. Rollups are sorted so filters on outlet / day / week skip row groups. Views left live:
-- the staging layer, frame_share_daily (filter it by outlet), headline and story views (article-level).
create or replace table rollup_int_article_scores as
    select * from int_article_scores_live order by outlet_id, day;
create or replace view int_article_scores as select * from rollup_int_article_scores;
create or replace table rollup_int_outlet_day as
    select * from int_outlet_day_live order by outlet_id, day;
create or replace view int_outlet_day as select * from rollup_int_outlet_day;
create or replace table rollup_int_outlet_day_frame as
    select * from int_outlet_day_frame_live order by outlet_id, day, frame;
create or replace view int_outlet_day_frame as select * from rollup_int_outlet_day_frame;
create or replace table rollup_int_outlet_week_label as
    select * from int_outlet_week_label order by outlet_id, dimension, label, week;
create or replace view int_outlet_week_label as select * from rollup_int_outlet_week_label;
create or replace table rollup_frame_share_weekly as select * from frame_share_weekly order by week, outlet_id;
create or replace view frame_share_weekly as select * from rollup_frame_share_weekly;
create or replace table rollup_frame_share_monthly as select * from frame_share_monthly order by month, outlet_id;
create or replace view frame_share_monthly as select * from rollup_frame_share_monthly;
create or replace table rollup_outlet_summary as select * from outlet_summary;
create or replace view outlet_summary as select * from rollup_outlet_summary;
create or replace table rollup_slant_tone_daily as select * from slant_tone_daily order by day, outlet_id;
create or replace view slant_tone_daily as select * from rollup_slant_tone_daily;
create or replace table rollup_slant_tone_weekly as select * from slant_tone_weekly order by week, outlet_id;
create or replace view slant_tone_weekly as select * from rollup_slant_tone_weekly;
create or replace table rollup_outlet_vs_baseline as select * from outlet_vs_baseline order by week, outlet_id;
create or replace view outlet_vs_baseline as select * from rollup_outlet_vs_baseline;
create or replace table rollup_outlet_vs_peers as select * from outlet_vs_peers order by week, outlet_id;
create or replace view outlet_vs_peers as select * from rollup_outlet_vs_peers;
