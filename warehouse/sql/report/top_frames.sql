-- Frames by how many articles use them (estimated, all outlets), most common first.
select frame, sum(share * n_articles) as n
from frame_share
where grain = 'all' and topic = '*'
group by frame
order by n desc, frame
limit $limit;
