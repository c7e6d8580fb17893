-- The content hash of each article of the registered batch (article_id) that is stored already.
select a.article_id, a.content_hash
from articles a
semi join batch b using (article_id);
