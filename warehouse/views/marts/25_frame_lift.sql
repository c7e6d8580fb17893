-- frame_lift: each outlet's emphasis on a frame against the other outlets in the same period and topic:
-- lift = the outlet's estimated share / the share over every other outlet's articles. A frame that every
-- outlet uses has a lift near 1 everywhere, so it cancels out; lift 2 = twice as much as the rest.
-- The 90% interval is on the log scale (delta method: var(log share) ~ se^2 / share^2 for each side).
-- Columns: grain, period, topic, outlet_id, outlet, lean_prior, frame, n_articles, share, n_others,
-- others_share, lift, lift_lo, lift_hi, too_few (either side under 10 articles), stands_out (the interval
-- excludes 1).
create or replace view frame_lift as
with cells as (
    select c.*,
           sum(c.n_articles) over w as all_n, sum(c.sum_p) over w as all_p, sum(c.sum_p2) over w as all_p2
    from mart_frame_cells c
    window w as (partition by c.grain, c.period, c.topic, c.frame)
),
sides as (
    select grain, period, topic, outlet_id, frame, n_articles,
           sum_p / n_articles as share,
           greatest(sum_p2 / n_articles - (sum_p / n_articles) ** 2, 0) / n_articles as var,
           all_n - n_articles as n_others,
           (all_p - sum_p) / nullif(all_n - n_articles, 0) as others_share,
           greatest((all_p2 - sum_p2) / nullif(all_n - n_articles, 0)
                    - ((all_p - sum_p) / nullif(all_n - n_articles, 0)) ** 2, 0)
               / nullif(all_n - n_articles, 0) as others_var
    from cells
),
logged as (
    select *,
           share / nullif(others_share, 0) as lift,
           sqrt(var / greatest(share, 1e-6) ** 2 + others_var / greatest(others_share, 1e-6) ** 2) as se_log
    from sides
),
final as (
    select l.grain, l.period, l.topic, l.outlet_id, o.name as outlet, o.lean_prior, l.frame, l.n_articles,
           l.share, l.n_others, l.others_share, l.lift,
           l.lift * exp(-1.645 * l.se_log) as lift_lo,
           l.lift * exp(1.645 * l.se_log)  as lift_hi,
           l.n_articles < 10 or coalesce(l.n_others, 0) < 10 as too_few,
           coalesce(l.lift * exp(-1.645 * l.se_log) > 1 or l.lift * exp(1.645 * l.se_log) < 1, false)
               as stands_out
    from logged l
    left join outlets o using (outlet_id)
)
select * from final;
