-- outlet_summary: one row per outlet over all scored articles (current model only).
-- Columns: outlet_id, outlet, lean_prior, n_articles, slant_left/center/right (share of articles
-- predicted so), mean_tone (mean tone_score, -1..1), top_frames (the three most frequent predicted
-- frames with their share of the outlet's articles, e.g. 'Crime and punishment 62%').
create or replace view outlet_summary as
with base as (
    select d.outlet_id, o.name as outlet, o.lean_prior,
           cast(sum(d.n_articles) as bigint)   as n_articles,
           sum(d.n_left) / sum(d.n_articles)   as slant_left,
           sum(d.n_center) / sum(d.n_articles) as slant_center,
           sum(d.n_right) / sum(d.n_articles)  as slant_right,
           sum(d.tone_sum) / sum(d.n_articles) as mean_tone
    from int_outlet_day d
    left join outlets o using (outlet_id)
    group by all
),
frame_counts as (
    select outlet_id, frame, sum(n_with_frame) as n
    from int_outlet_day_frame
    group by all
),
ranked as (
    select f.outlet_id, f.frame, f.n / b.n_articles as share,
           row_number() over (partition by f.outlet_id order by f.n desc, f.frame) as rk
    from frame_counts f join base b using (outlet_id)
),
tops as (
    select outlet_id,
           string_agg(frame || ' ' || cast(round(100 * share) as integer) || '%', ', ' order by rk) as top_frames
    from ranked where rk <= 3
    group by outlet_id
),
final as (
    select b.*, t.top_frames
    from base b left join tops t using (outlet_id)
)
select * from final;
