-- A full regrouping replaces the derived story tables (threads are relinked after it).
delete from story_articles;
delete from stories;
delete from story_threads;
delete from threads;
