-- story_comparison: each story's articles side by side (stories from flows/analysis/stories/grouping.py; current
-- model). One row per story article, ordered for reading by story then lean prior then date.
-- Columns: story_id, story_headline, story_first_day, story_last_day, story_articles, story_outlets,
-- article_id, outlet_id, outlet, lean_prior, published (day), title, url, topic, frames, primary_frame,
-- slant, slant_left, slant_center, slant_right, slant_score, tone, tone_score, evidence_primary (sentences
-- behind the primary frame), evidence_slant (sentences behind the slant), link_score (how the article was
-- admitted: embedding cosine + name overlap, 0..2; null for the story's first article).
create or replace view story_comparison as
with evidence as (
    select m.*, try_cast(m.evidence as map(varchar, varchar[])) as evidence_map
    from mart_articles m
),
final as (
    select st.story_id, st.headline as story_headline, st.first_day as story_first_day,
           st.last_day as story_last_day, st.n_articles as story_articles, st.n_outlets as story_outlets,
           a.article_id, a.outlet_id, o.name as outlet, o.lean_prior, a.day as published, a.title, a.url,
           s.topic, s.frames, s.primary_frame, s.slant, s.slant_left, s.slant_center, s.slant_right,
           s.slant_right - s.slant_left as slant_score, s.tone, s.tone_score,
           s.evidence_map[s.primary_frame] as evidence_primary,
           s.evidence_map['slant']         as evidence_slant,
           sa.score as link_score
    from story_articles sa
    join stories st using (story_id)
    join stg_articles a using (article_id)
    left join evidence s using (article_id)
    left join outlets o on o.outlet_id = a.outlet_id
)
select * from final;

-- outlet_frame_lift(kind): per group of articles (kind 'story': a story; 'thread': a thread, its stories'
-- articles together), outlet and frame, how much that outlet's coverage of the group uses the frame
-- (estimated share: mean calibrated probability) against every other outlet's coverage of the group: a
-- lift, so a frame the whole group carries cancels out. story_outlet_frames and thread_outlet_frames name it.
-- Columns: group_id (story_id | thread_id), outlet_id, outlet, lean_prior, n_articles, frame, share,
-- n_others, others_share, lift (share / others_share; null when the group has no other coverage),
-- frame_rank (1 = the frame this outlet emphasizes most relative to the others: the largest share -
-- others_share).
create or replace macro outlet_frame_lift(kind) as table
with members as (
    select sa.story_id as group_id, m.outlet_id, m.frame_probs
    from story_articles sa
    join mart_articles m using (article_id)
    where kind = 'story'
    union all
    select t.thread_id, m.outlet_id, m.frame_probs
    from story_threads t
    join story_articles sa using (story_id)
    join mart_articles m using (article_id)
    where kind = 'thread'
),
probs as (
    select m.group_id, m.outlet_id, f.frame, m.frame_probs[f.i] as p
    from members m
    cross join mart_frame_order f
),
per_outlet as (
    select group_id, outlet_id, frame, count(*) as n_articles, sum(p) as sum_p
    from probs
    group by all
),
with_others as (
    select *,
           sum(n_articles) over w - n_articles as n_others,
           sum(sum_p) over w - sum_p as others_p
    from per_outlet
    window w as (partition by group_id, frame)
),
final as (
    select w.group_id, w.outlet_id, o.name as outlet, o.lean_prior, w.n_articles, w.frame,
           w.sum_p / w.n_articles as share, w.n_others,
           w.others_p / nullif(w.n_others, 0) as others_share,
           (w.sum_p / w.n_articles) / nullif(w.others_p / nullif(w.n_others, 0), 0) as lift,
           -- emphasis is the gap in points (a ratio of two small shares, 2% vs 1%, is large and means little);
           -- without other coverage, the outlet's own largest shares
           row_number() over (
               partition by w.group_id, w.outlet_id
               order by w.sum_p / w.n_articles - coalesce(w.others_p / nullif(w.n_others, 0), 0) desc, w.frame
           ) as frame_rank
    from with_others w
    left join outlets o using (outlet_id)
)
select * from final;

-- story_outlet_frames: per story, outlet and frame, how much that outlet's coverage of the story uses the
-- frame (estimated share: mean calibrated probability) against the story's other coverage (every other
-- outlet's articles about the same story): a lift, so a frame the whole story carries cancels out.
-- Columns: story_id, story_headline, outlet_id, outlet, lean_prior, n_articles, frame, share, n_others,
-- others_share, lift (share / others_share; null when the story has no other coverage), frame_rank (1 =
-- the frame this outlet emphasizes most relative to the others: the largest share - others_share).
create or replace view story_outlet_frames as
with final as (
    select l.group_id as story_id, st.headline as story_headline, l.* exclude (group_id)
    from outlet_frame_lift('story') l
    join stories st on st.story_id = l.group_id
)
select * from final;
