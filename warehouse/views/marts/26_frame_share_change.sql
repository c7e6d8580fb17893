-- frame_share_change: each outlet's frame share in a period against its previous period of the same grain
-- (this week vs last, this month vs last), topic by topic ('*' = all). The 90% interval of the change is
-- Newcombe's, from the two shares' Wilson intervals (views/intervals.sql): never of zero width.
-- Columns: grain (week | month), period, previous_period, topic, outlet_id, outlet, lean_prior, frame,
-- n_articles, share, n_before, share_before, diff, diff_lo, diff_hi, too_few (either side under 10
-- articles), changed (the interval excludes 0 and neither side is too_few: a change between a handful of
-- articles is no finding).
create or replace view frame_share_change as
with shares as (
    select grain, period, topic, outlet_id, frame, n_articles, sum_p / n_articles as share
    from mart_frame_cells
    where grain in ('week', 'month')
),
before as (
    -- each period keyed by the period that follows it, so a query for one period joins on equality
    select grain, period as previous_period,
           cast(case grain when 'week' then period + interval 7 days else period + interval 1 month end as date)
               as period,
           topic, outlet_id, frame, n_articles as n_before, share as share_before
    from shares
),
paired as (
    select s.*, b.previous_period, b.n_before, b.share_before
    from shares s
    join before b using (grain, period, topic, outlet_id, frame)
),
final as (
    select p.grain, p.period, p.previous_period, p.topic, p.outlet_id, o.name as outlet, o.lean_prior,
           p.frame, p.n_articles, p.share, p.n_before, p.share_before,
           p.share - p.share_before as diff,
           newcombe_lo(p.share, p.n_articles, p.share_before, p.n_before) as diff_lo,
           newcombe_hi(p.share, p.n_articles, p.share_before, p.n_before) as diff_hi,
           p.n_articles < 10 or p.n_before < 10 as too_few,
           p.n_articles >= 10 and p.n_before >= 10
               and (newcombe_lo(p.share, p.n_articles, p.share_before, p.n_before) > 0
                    or newcombe_hi(p.share, p.n_articles, p.share_before, p.n_before) < 0) as changed
    from paired p
    left join outlets o using (outlet_id)
)
select * from final;
