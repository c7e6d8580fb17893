-- The default week to test: the last week of the bulk of the data (data_window), so that one article
-- dated years after the rest does not make the check test its lone week; the latest week with scored
-- articles when the window is empty.
select coalesce(
    (select last_week from data_window),
    (select max(period) from mart_slant_cells where grain = 'week' and topic = '*')
);
