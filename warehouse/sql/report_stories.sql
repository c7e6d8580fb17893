-- The stories covered by the most outlets, with their articles side by side.
with top as (
    select story_id from stories where n_outlets > 1
    order by n_outlets desc, n_articles desc, first_day desc, story_id
    limit $limit
),
final as (
    select c.story_id, c.story_headline, c.story_first_day, c.story_last_day, c.story_outlets,
           coalesce(c.outlet, c.outlet_id) as outlet, c.lean_prior, c.published, c.title, c.frames,
           c.primary_frame, c.slant, c.tone, c.tone_score, c.evidence_primary
    from story_comparison c
    join top using (story_id)
)
select * from final
order by story_outlets desc, story_id,
         case lean_prior when 'left' then 0 when 'center' then 1 when 'right' then 2 else 3 end, published, title;
