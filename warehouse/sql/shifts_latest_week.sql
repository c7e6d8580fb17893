-- The most recent week with scored articles (the default week to test).
select max(period) from mart_slant_cells where grain = 'week' and topic = '*';
