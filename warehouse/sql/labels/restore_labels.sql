-- Recovery: label and undo rows from the labels export (registered batch `batch`) that the database lacks.
insert into labels
select label_id, article_id, annotator, action, undoes, frames, primary_frame, slant, tone,
       codebook_version, labeled_at, source, import_id, note
from batch b
where b.label_id not in (select label_id from labels)
qualify row_number() over (partition by b.label_id) = 1
returning label_id;
