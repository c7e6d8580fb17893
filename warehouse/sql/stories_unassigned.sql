-- Stored articles not yet in any story (update_stories has nothing to do when this is 0).
select count(*) from articles a anti join story_articles s using (article_id);
