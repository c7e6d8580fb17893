insert into predictions
select article_id, model_version, scored_at, run_id, frame_probs, frames, primary_frame, slant_probs,
       slant, tone_score, tone, evidence
from batch;
