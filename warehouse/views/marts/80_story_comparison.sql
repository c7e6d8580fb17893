-- story_comparison: each story's articles side by side (stories from warehouse.stories; current model).
-- One row per story article, ordered for reading by story then lean prior then date.
-- Columns: story_id, story_headline, story_first_day, story_last_day, story_articles, story_outlets,
-- article_id, outlet_id, outlet, lean_prior, published (day), title, frames, primary_frame, slant,
-- slant_left, slant_center, slant_right, tone, tone_score, evidence_primary (sentences behind the
-- primary frame), evidence_slant (sentences behind the slant), link_score (the grouping score that
-- admitted the article; null for the story's first article).
create or replace view story_comparison as
with final as (
    select st.story_id, st.headline as story_headline, st.first_day as story_first_day,
           st.last_day as story_last_day, st.n_articles as story_articles, st.n_outlets as story_outlets,
           a.article_id, a.outlet_id, o.name as outlet, o.lean_prior, a.day as published, a.title,
           s.frames, s.primary_frame, s.slant, s.slant_left, s.slant_center, s.slant_right, s.tone,
           s.tone_score, s.evidence_primary, s.evidence_slant, sa.score as link_score
    from story_articles sa
    join stories st using (story_id)
    join stg_articles a using (article_id)
    left join int_article_scores s using (article_id)
    left join outlets o on o.outlet_id = a.outlet_id
)
select * from final;

-- story_outlet_frames: per story and outlet, which frames that outlet's articles about the story used.
-- Columns: story_id, story_headline, outlet_id, outlet, lean_prior, n_articles, frame, n_with_frame, share.
create or replace view story_outlet_frames as
with framed as (
    select story_id, story_headline, outlet_id, outlet, lean_prior, article_id, unnest(frames) as frame
    from story_comparison
),
totals as (
    select story_id, outlet_id, count(*) as n_articles
    from story_comparison
    where frames is not null
    group by all
),
counted as (
    select story_id, story_headline, outlet_id, outlet, lean_prior, frame, count(*) as n_with_frame
    from framed
    group by all
),
final as (
    select c.story_id, c.story_headline, c.outlet_id, c.outlet, c.lean_prior, t.n_articles, c.frame,
           c.n_with_frame, c.n_with_frame / t.n_articles as share
    from counted c
    join totals t using (story_id, outlet_id)
)
select * from final;
