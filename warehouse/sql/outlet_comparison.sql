select outlet,
       coalesce(lean_prior, '?')                    as lean_prior,
       n_articles                                   as articles,
       cast(round(100 * slant_left) as integer)     as left_pct,
       cast(round(100 * slant_center) as integer)   as center_pct,
       cast(round(100 * slant_right) as integer)    as right_pct,
       round(mean_tone, 2)                          as tone,
       top_frames
from outlet_summary
order by case lean_prior when 'left' then 0 when 'center' then 1 when 'right' then 2 else 3 end, outlet;
