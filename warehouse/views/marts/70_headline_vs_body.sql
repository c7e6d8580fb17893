-- headline_vs_body: per article, the frames of the headline alone against the frames of the whole
-- article (current model; articles whose headline was scored on its own, see headline_predictions).
-- Columns: article_id, outlet_id, outlet, lean_prior, day, week, title, body_frames, body_primary_frame,
-- headline_frames, headline_primary_frame, primary_match (the headline leads with the article's primary
-- frame), frames_jaccard (|headline ∩ body| / |headline ∪ body|, 1 when both are empty),
-- headline_only_frames, body_only_frames.
create or replace view headline_vs_body as
with paired as (
    select s.*, o.name as outlet, o.lean_prior
    from mart_articles s
    left join outlets o using (outlet_id)
    where s.headline_frames is not null
),
final as (
    select article_id, outlet_id, outlet, lean_prior, day, week, title,
           frames as body_frames, primary_frame as body_primary_frame,
           headline_frames, headline_primary_frame,
           coalesce(headline_primary_frame = primary_frame, false) as primary_match,
           case when len(list_distinct(list_concat(frames, headline_frames))) = 0 then 1.0
                else len(list_intersect(frames, headline_frames))
                     / len(list_distinct(list_concat(frames, headline_frames))) end as frames_jaccard,
           list_filter(headline_frames, lambda f: not list_contains(frames, f)) as headline_only_frames,
           list_filter(frames, lambda f: not list_contains(headline_frames, f)) as body_only_frames
    from paired
)
select * from final;

-- headline_vs_body_outlet: per outlet and frame, how often the headline carries the frame against how
-- often the article does (articles with a headline prediction only).
-- Columns: outlet_id, outlet, lean_prior, frame, n_articles, n_headline (headlines carrying the frame),
-- n_body (articles carrying it), headline_share, body_share, diff (headline_share - body_share),
-- primary_agreement (share of the outlet's articles whose headline leads with the article's primary frame).
create or replace view headline_vs_body_outlet as
with per_outlet as (
    select outlet_id, outlet, lean_prior, count(*) as n_articles, avg(cast(primary_match as integer)) as primary_agreement
    from headline_vs_body
    group by all
),
headline_counts as (
    select outlet_id, frame, count(*) as n
    from (select outlet_id, unnest(headline_frames) as frame from headline_vs_body)
    group by all
),
body_counts as (
    select outlet_id, frame, count(*) as n
    from (select outlet_id, unnest(body_frames) as frame from headline_vs_body)
    group by all
),
frames as (
    select outlet_id, frame from headline_counts
    union
    select outlet_id, frame from body_counts
),
final as (
    select p.outlet_id, p.outlet, p.lean_prior, f.frame, p.n_articles,
           coalesce(h.n, 0) as n_headline, coalesce(b.n, 0) as n_body,
           coalesce(h.n, 0) / p.n_articles as headline_share,
           coalesce(b.n, 0) / p.n_articles as body_share,
           (coalesce(h.n, 0) - coalesce(b.n, 0)) / p.n_articles as diff,
           p.primary_agreement
    from frames f
    join per_outlet p using (outlet_id)
    left join headline_counts h using (outlet_id, frame)
    left join body_counts b using (outlet_id, frame)
)
select * from final;
