-- Standing labels whose article is not in the database (after a recovery: they reattach when the article
-- is collected or imported again, since its id comes from its URL or import id).
select count(*) from labels_current l anti join articles a using (article_id);
