-- frame_lift: each outlet's emphasis on a frame against the other outlets in the same period and topic:
-- lift = the outlet's estimated share / the share over every other outlet's articles. A frame that every
-- outlet uses has a lift near 1 everywhere, so it cancels out; lift 2 = twice as much as the rest.
-- The 90% interval is on the log scale with Agresti-Coull adjusted shares (views/intervals.sql): finite
-- and never of zero width, also for one article. A ratio of two small shares (2% against 1%) is large and
-- means little, so a lift stands out only when the shares also differ by at least 5 percentage points.
-- Columns: grain, period, topic, outlet_id, outlet, lean_prior, frame, n_articles, share, n_others,
-- others_share, lift, lift_lo, lift_hi, diff (share - others_share), too_few (either side under 10
-- articles), stands_out (the interval excludes 1, neither side is too_few and |diff| >= 0.05).
create or replace view frame_lift as
with cells as (
    select c.*, sum(c.n_articles) over w as all_n, sum(c.sum_p) over w as all_p
    from mart_frame_cells c
    window w as (partition by c.grain, c.period, c.topic, c.frame)
),
sides as (
    select grain, period, topic, outlet_id, frame, n_articles,
           sum_p / n_articles as share,
           all_n - n_articles as n_others,
           (all_p - sum_p) / nullif(all_n - n_articles, 0) as others_share
    from cells
),
bounded as (
    select *,
           share / nullif(others_share, 0) as lift,
           lift_lo(share, n_articles, others_share, n_others) as lift_lo,
           lift_hi(share, n_articles, others_share, n_others) as lift_hi,
           n_articles < 10 or coalesce(n_others, 0) < 10 as too_few
    from sides
),
final as (
    select b.grain, b.period, b.topic, b.outlet_id, o.name as outlet, o.lean_prior, b.frame, b.n_articles,
           b.share, b.n_others, b.others_share, b.lift, b.lift_lo, b.lift_hi,
           b.share - b.others_share as diff, b.too_few,
           coalesce(not b.too_few and (b.lift_lo > 1 or b.lift_hi < 1)
                    and abs(b.share - b.others_share) >= 0.05, false) as stands_out
    from bounded b
    left join outlets o using (outlet_id)
)
select * from final;
