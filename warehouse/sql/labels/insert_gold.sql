insert into gold_labels
select article_id, frames, primary_frame, slant, tone, codebook_version, method, adjudicator, n_annotators,
       decided_at, note
from batch;
