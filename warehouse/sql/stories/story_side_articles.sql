-- The articles of the given stories, with their outlet, current prediction, evidence and how each was
-- linked into its story; left to right by the outlet's lean prior, then by day.
select sa.story_id, t.thread_id, a.article_id, a.outlet_id, coalesce(o.name, a.outlet_id) as outlet,
       o.lean_prior, a.day, a.title, a.url, m.topic, m.frames, m.primary_frame, m.slant,
       m.slant_right - m.slant_left as slant_score, m.tone, m.tone_score, m.evidence,
       sa.score as link_score, sa.cosine, sa.name_overlap, sa.term_overlap, sa.number_match, sa.gap_days,
       sa.best_score, sa.linked_to
from story_articles sa
join stg_articles a using (article_id)
left join mart_articles m using (article_id)
left join outlets o on o.outlet_id = a.outlet_id
left join story_threads t on t.story_id = sa.story_id
where sa.story_id in (select unnest($story_ids))
order by case o.lean_prior when 'left' then 0 when 'center' then 1 when 'right' then 2 else 3 end,
         outlet, a.day, a.article_id;
