-- The outlets shown in the report: the most-published first, at most $limit; n_outlets: how many there are.
select outlet_id, coalesce(outlet, outlet_id) as outlet, lean_prior, n_articles, slant_left, slant_center,
       slant_right, mean_tone, top_frames, n_in_training, count(*) over () as n_outlets
from outlet_summary
order by n_articles desc, outlet_id
limit $limit;
