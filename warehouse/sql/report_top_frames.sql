-- Frames by how many articles carry them (all outlets), most common first.
select frame, sum(n_with_frame) as n
from int_outlet_day_frame
group by frame
order by n desc, frame
limit $limit;
