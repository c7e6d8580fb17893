-- story_coverage: one row per story (flows/analysis/stories/grouping.py: one event, at most a few weeks) with its
-- thread (flows/analysis/stories/threads.py: the stories of one ongoing topic) and who covered it, counted by the
-- outlets' lean prior (left | center | right; unknown when the outlet has none).
-- Columns: story_id, thread_id, headline, first_day, last_day, span_days (last_day - first_day),
-- n_articles, n_outlets, n_left, n_center, n_right, n_unknown (articles from outlets of that lean),
-- outlets_left, outlets_center, outlets_right, outlets_unknown (distinct outlets of that lean), outlets
-- (outlet names, left to right), covered_by ('both sides' | 'left only' | 'right only' | 'center only' |
-- 'unknown only'), nearby_left, nearby_right (outlets of that lean that covered another story of the same
-- thread within 21 days, the story grouping's event window, of this story's days), cohesion (the weakest
-- link that admitted one of its articles: the probability that it reports the story's event, 0..1; null for
-- a one-article story), blindspot (a story one side missed: it passes the bar, at least 3 articles from at
-- least 2 outlets with cohesion >= 0.5, so it is one event several outlets reported and not a lone link at
-- the threshold; its outlets are of one side only, left or right; and the other side did not cover its
-- thread nearby either: a story split in two by the grouping is no blindspot; see story_blindspots),
-- blindspot_why (why it counts, in words; null when it does not).
create or replace view story_coverage as
with members as (
    select sa.story_id, a.article_id, a.outlet_id, coalesce(o.name, a.outlet_id) as outlet,
           coalesce(o.lean_prior, 'unknown') as lean
    from story_articles sa
    join stg_articles a using (article_id)
    left join outlets o on o.outlet_id = a.outlet_id
),
per_outlet as (
    select story_id, outlet_id, any_value(outlet) as outlet, any_value(lean) as lean, count(*) as n
    from members
    group by story_id, outlet_id
),
counted as (
    select story_id,
           sum(n) filter (where lean = 'left')    as n_left,
           sum(n) filter (where lean = 'center')  as n_center,
           sum(n) filter (where lean = 'right')   as n_right,
           sum(n) filter (where lean = 'unknown') as n_unknown,
           count(*) filter (where lean = 'left')    as outlets_left,
           count(*) filter (where lean = 'center')  as outlets_center,
           count(*) filter (where lean = 'right')   as outlets_right,
           count(*) filter (where lean = 'unknown') as outlets_unknown,
           string_agg(outlet, ', ' order by case lean when 'left' then 0 when 'center' then 1
                                                      when 'right' then 2 else 3 end, outlet) as outlets
    from per_outlet
    group by story_id
),
nearby as (
    -- per story, the outlets of each lean that covered the same thread's other stories around it
    select s.story_id,
           count(distinct a.outlet_id) filter (where o.lean_prior = 'left')  as nearby_left,
           count(distinct a.outlet_id) filter (where o.lean_prior = 'right') as nearby_right
    from stories s
    join story_threads t using (story_id)
    join story_threads t2 on t2.thread_id = t.thread_id and t2.story_id <> t.story_id
    join story_articles sa on sa.story_id = t2.story_id
    join stg_articles a on a.article_id = sa.article_id
    left join outlets o on o.outlet_id = a.outlet_id
    where a.day between s.first_day - interval 21 days and s.last_day + interval 21 days
    group by s.story_id
),
links as (
    select story_id, min(score) as cohesion from story_articles group by story_id
),
final_rows as (
    select s.story_id, t.thread_id, s.headline, s.first_day, s.last_day,
           datediff('day', s.first_day, s.last_day) as span_days,
           s.n_articles, s.n_outlets,
           cast(coalesce(c.n_left, 0) as bigint) as n_left,
           cast(coalesce(c.n_center, 0) as bigint) as n_center,
           cast(coalesce(c.n_right, 0) as bigint) as n_right,
           cast(coalesce(c.n_unknown, 0) as bigint) as n_unknown,
           c.outlets_left, c.outlets_center, c.outlets_right, c.outlets_unknown, c.outlets,
           case when c.outlets_left > 0 and c.outlets_right > 0 then 'both sides'
                when c.outlets_left > 0 then 'left only'
                when c.outlets_right > 0 then 'right only'
                when c.outlets_center > 0 then 'center only'
                else 'unknown only' end as covered_by,
           coalesce(n.nearby_left, 0) as nearby_left, coalesce(n.nearby_right, 0) as nearby_right,
           l.cohesion,
           s.n_articles >= 3 and s.n_outlets >= 2 and coalesce(l.cohesion, 0) >= 0.5 as passes_bar,
           (c.outlets_left > 0 and c.outlets_right = 0 and coalesce(n.nearby_right, 0) = 0)
               or (c.outlets_right > 0 and c.outlets_left = 0 and coalesce(n.nearby_left, 0) = 0) as one_sided
    from stories s
    join counted c using (story_id)
    left join story_threads t using (story_id)
    left join nearby n using (story_id)
    left join links l using (story_id)
),
final as (
    select * exclude (passes_bar, one_sided),
           passes_bar and one_sided as blindspot,
           case when passes_bar and one_sided then
               n_articles || ' articles from ' || n_outlets || ' outlets, '
               || case when outlets_left > 0 then outlets_left || ' of them left' else outlets_right || ' of them right' end
               || ', every article linked to the whole story (weakest link ' || round(cohesion, 2)
               || '); no ' || case when outlets_left > 0 then 'right' else 'left' end
               || ' outlet covered it or its thread within 21 days'
           end as blindspot_why
    from final_rows
)
select * from final;

-- story_blindspots: stories that outlets of one side covered and the other side did not: the story passes
-- the bar (at least 3 articles from at least 2 outlets, every article linked to the story with probability
-- >= 0.5), some of its outlets have a left lean prior and none a right one, or the reverse (center and
-- unknown outlets may have covered it too), and no outlet of the missing side covered the same thread within
-- 21 days of it. Largest first.
-- Columns: story_id, thread_id, headline, first_day, last_day, n_articles, n_outlets, covered_by ('left'
-- | 'right'), missed_by (the other side), n_left, n_center, n_right, n_unknown, outlets, cohesion, why (in
-- words: why the story counts as a blindspot).
create or replace view story_blindspots as
with final as (
    select story_id, thread_id, headline, first_day, last_day, n_articles, n_outlets,
           case when outlets_left > 0 then 'left' else 'right' end as covered_by,
           case when outlets_left > 0 then 'right' else 'left' end as missed_by,
           n_left, n_center, n_right, n_unknown, outlets, cohesion, blindspot_why as why
    from story_coverage
    where blindspot
    order by n_outlets desc, n_articles desc, first_day desc, story_id
)
select * from final;

-- thread_outlet_frames: story_outlet_frames over a whole thread: per thread, outlet and frame, how much
-- that outlet's coverage of the thread's stories uses the frame (estimated share: mean calibrated
-- probability) against every other outlet's coverage of the thread (a lift, so a frame the whole topic
-- carries cancels out). For the seeds: Fox News in January against the blog post in July.
-- Columns: thread_id, outlet_id, outlet, lean_prior, n_articles, frame, share, n_others, others_share, lift
-- (share / others_share; null when the thread has no other coverage), frame_rank (1 = the frame this
-- outlet emphasizes most relative to the others: the largest share - others_share).
create or replace view thread_outlet_frames as
with final as (
    select * rename (group_id as thread_id) from outlet_frame_lift('thread')
)
select * from final;
