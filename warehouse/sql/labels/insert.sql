-- Append label rows (labels and undos) from the registered arrow batch `batch`.
insert into labels
select label_id, article_id, annotator, action, undoes, frames, primary_frame, slant, tone,
       codebook_version, labeled_at, source, import_id, note
from batch;
