select count(*), count(*) filter (where n_stories > 1) from threads;
