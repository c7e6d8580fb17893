-- A full regrouping replaces the derived story tables.
delete from story_articles;
delete from stories;
