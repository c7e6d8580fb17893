-- What the stored stories were grouped with, how many there are and how many have no thread yet (the
-- grouping regroups when its method changed and links threads when any story has none).
select (select list(distinct method) from stories)                          as methods,
       (select count(*) from stories)                                       as n_stories,
       (select count(*) from stories s anti join story_threads t using (story_id)) as unthreaded;
