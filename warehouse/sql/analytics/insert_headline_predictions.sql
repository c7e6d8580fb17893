insert into headline_predictions
select article_id, model_version, scored_at, run_id, frame_probs, frames, primary_frame, slant, tone_score
from batch;
