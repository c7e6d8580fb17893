-- The annotator's most recent label that is still standing (what `undo` retracts). Parameter: annotator.
select label_id, article_id
from labels_current
where annotator = ?
order by labeled_at desc, label_id desc
limit 1;
