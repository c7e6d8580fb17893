select count(*), count(*) filter (where n_outlets > 1) from stories;
