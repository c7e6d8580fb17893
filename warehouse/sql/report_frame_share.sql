-- Weekly frame shares of the reported outlets, for the top frames overall.
select outlet_id, week, frame, share, n_articles
from frame_share_weekly
where outlet_id in (select unnest($outlets)) and frame in (select unnest($frames))
order by outlet_id, frame, week;
