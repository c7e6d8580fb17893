-- Per outlet, the frames it emphasizes most against the thread's other coverage (thread_outlet_frames).
select outlet_id, frame, n_articles, share, n_others, others_share, lift, frame_rank
from thread_outlet_frames
where thread_id = $id and frame_rank <= $top
order by outlet_id, frame_rank;
