-- The outlet table printed after a run: one row per outlet (outlet_summary), rounded for reading; `in
-- training` counts the outlet's articles the current model was trained on (in-sample).
select outlet,
       coalesce(lean_prior, '?')                    as lean_prior,
       n_articles                                   as articles,
       cast(round(100 * slant_left) as integer)     as left_pct,
       cast(round(100 * slant_center) as integer)   as center_pct,
       cast(round(100 * slant_right) as integer)    as right_pct,
       round(mean_tone, 2) + 0.0                    as tone,
       n_in_training                                as in_training,
       top_frames
from outlet_summary
order by case lean_prior when 'left' then 0 when 'center' then 1 when 'right' then 2 else 3 end, outlet;
