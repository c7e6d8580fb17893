-- Scored articles (current model) published after the week of $week.
select sum(n_articles)
from mart_slant_cells
where grain = 'week' and topic = '*' and period > $week;
