-- Where the bulk of the data is (data_window), for the report's default period and its warning.
select first_day, last_day, strftime(first_month, '%Y-%m') as first_month,
       strftime(last_month, '%Y-%m') as last_month, n_articles, n_total, n_outside, outside_first_day,
       outside_last_day
from data_window;
