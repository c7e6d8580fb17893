-- Stories in no thread yet.
select story_id from stories anti join story_threads using (story_id) order by first_day, story_id;
