-- outlet_summary: one row per outlet over all scored articles (current model only).
-- Columns: outlet_id, outlet, lean_prior, n_articles, slant_left/center/right (share of articles
-- predicted so), mean_tone (mean tone_score, -1..1), top_frames (the three most frequent predicted
-- frames with their share of the outlet's articles, e.g. 'Crime and punishment 62%').
create or replace view outlet_summary as
with base as (
    select outlet_id, outlet, lean_prior, count(*) as n_articles,
           avg(case when slant = 'left' then 1 else 0 end)   as slant_left,
           avg(case when slant = 'center' then 1 else 0 end) as slant_center,
           avg(case when slant = 'right' then 1 else 0 end)  as slant_right,
           avg(tone_score) as mean_tone
    from article_scores
    group by all
),
frame_counts as (
    select outlet_id, frame, count(*) as n
    from (select outlet_id, unnest(frames) as frame from article_scores)
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
