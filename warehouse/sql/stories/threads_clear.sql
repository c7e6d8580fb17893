-- Relinking every story: the threads are made again from scratch.
delete from story_threads;
delete from threads;
