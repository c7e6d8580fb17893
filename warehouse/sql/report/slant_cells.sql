-- The report's slant cells: per outlet, week, month and topic, the sums behind slant and tone estimates
-- (score = (sum_right - sum_left) / n), and n_train: the cell's articles the current model was trained on
-- (model_training_articles), so every filter can say how many of its articles are in-sample.
select m.outlet_id, cast(m.week as varchar) as week, strftime(m.month, '%Y-%m') as month, m.topic,
       count(*) as n,
       round(sum(m.slant_left), 4) as sum_left, round(sum(m.slant_center), 4) as sum_center,
       round(sum(m.slant_right), 4) as sum_right, round(sum(m.tone_score), 4) as sum_tone,
       count(t.article_id) as n_train
from mart_articles m
left join model_training_articles t on t.article_id = m.article_id and t.model_version = m.model_version
where m.outlet_id in (select unnest($outlets))
group by all
order by m.outlet_id, week, m.topic;
