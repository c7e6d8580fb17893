-- Per outlet, the frames it emphasizes most against the story's other coverage (story_outlet_frames).
select outlet_id, frame, n_articles, share, n_others, others_share, lift, frame_rank
from story_outlet_frames
where story_id = $id and frame_rank <= $top
order by outlet_id, frame_rank;
