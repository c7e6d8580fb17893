-- Append the registered Arrow batch `batch` (warehouse.bulk.COMPACT_SCHEMA) to predictions_compact.
insert into predictions_compact
select article_id, model_version, scored_at, run_id, frame_probs, frames, primary_frame, slant_probs,
       slant, tone_score, tone, evidence
from batch;
