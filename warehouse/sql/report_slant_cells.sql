-- The report's slant cells: per outlet, week, month and topic, the sums behind slant and tone estimates.
select outlet_id, cast(week as varchar) as week, strftime(month, '%Y-%m') as month, topic,
       count(*) as n,
       sum(slant_left) as sum_left, sum(slant_center) as sum_center, sum(slant_right) as sum_right,
       sum(slant_right - slant_left) as sum_score, sum((slant_right - slant_left) ^ 2) as sum_score2,
       sum(tone_score) as sum_tone
from mart_articles
where outlet_id in (select unnest($outlets))
group by all
order by outlet_id, week, topic;
