-- Every annotator's standing label of every article.
select article_id, annotator, frames, primary_frame, slant, tone, codebook_version, labeled_at, source, label_id
from labels_current
order by article_id, annotator;
