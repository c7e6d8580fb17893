-- What the stored stories and threads were made with, how many stories there are and how many have no
-- thread yet (the grouping regroups when its method changed and relinks threads when theirs did or when
-- any story has none).
select (select list(distinct method) from stories)                          as methods,
       (select list(distinct method) from threads)                          as thread_methods,
       (select count(*) from stories)                                       as n_stories,
       (select count(*) from stories s anti join story_threads t using (story_id)) as unthreaded;
