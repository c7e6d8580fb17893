-- Outlet x frame estimated share over the whole period.
select outlet_id, frame, share, share_lo, share_hi, n_articles
from frame_share
where grain = 'all' and topic = '*' and outlet_id in (select unnest($outlets));
