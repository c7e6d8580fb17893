-- The articles behind the report's points (drill-down): the most recent $limit of the reported outlets,
-- frame probabilities rounded to 2 digits in the marts' frame order; in_training when the current model
-- was trained on the article.
select m.article_id, m.outlet_id, cast(m.day as varchar) as day, cast(m.week as varchar) as week,
       strftime(m.month, '%Y-%m') as month, m.topic, m.title, m.url, m.primary_frame,
       round(m.slant_right - m.slant_left, 2) as slant_score, round(m.tone_score, 2) as tone_score,
       list_transform(m.frame_probs, lambda p: round(cast(p as double), 2)) as probs, sa.story_id,
       t.article_id is not null as in_training
from mart_articles m
left join story_articles sa using (article_id)
left join model_training_articles t on t.article_id = m.article_id and t.model_version = m.model_version
where m.outlet_id in (select unnest($outlets))
order by m.day desc, m.article_id
limit $limit;
