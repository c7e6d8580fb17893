-- Which of the ids in the registered arrow batch `batch` (column article_id) are stored articles.
select distinct b.article_id from batch b join articles a using (article_id);
