-- frame_share: how much each outlet uses each frame, per grain and period, estimated from the calibrated
-- probabilities (the mean probability is an unbiased estimate of the share of articles that carry the
-- frame when the model is calibrated; counting articles over a threshold is not, and saturates when
-- articles carry many frames). One definition for every grain; the _daily/_weekly/_monthly views below
-- are this view at one grain.
-- Columns: grain (day | week | month | all), period (first day; 'all' = 1970-01-01), outlet_id, outlet,
-- lean_prior, topic ('*' = all topics; topics by month and for 'all' only), frame, n_articles, share
-- (estimated share of the outlet's articles using the frame), share_lo, share_hi (90% Wilson interval,
-- views/intervals.sql: the sampling of articles only, never of zero width), too_few (n_articles < 10:
-- the interval says more than the share), labeled_share (share of articles whose frame set includes the
-- frame: classify and count), primary_share (share whose primary frame it is), n_labeled, n_primary.
create or replace view frame_share as
with shares as (
    select c.*, c.sum_p / c.n_articles as share
    from mart_frame_cells c
),
final as (
    select s.grain, s.period, s.outlet_id, o.name as outlet, o.lean_prior, s.topic, s.frame, s.n_articles,
           s.share,
           wilson_lo(s.share, s.n_articles)   as share_lo,
           wilson_hi(s.share, s.n_articles)   as share_hi,
           s.n_articles < 10                  as too_few,
           s.n_labeled / s.n_articles         as labeled_share,
           s.n_primary / s.n_articles         as primary_share,
           s.n_labeled, s.n_primary
    from shares s
    left join outlets o using (outlet_id)
)
select * from final;

-- frame_share_at(g): frame_share at grain g, all topics, in the columns the three views below publish
-- (each names the period after its grain).
-- Columns: outlet_id, outlet, lean_prior, period, frame, n_articles, share, share_lo, share_hi, too_few,
-- labeled_share, n_with_frame.
create or replace macro frame_share_at(g) as table
with final as (
    select outlet_id, outlet, lean_prior, period, frame, n_articles, share, share_lo, share_hi,
           too_few, labeled_share, n_labeled as n_with_frame
    from frame_share
    where grain = g and topic = '*'
)
select * from final;

-- frame_share_daily, frame_share_weekly, frame_share_monthly: frame_share at one grain, all topics.
-- Columns: outlet_id, outlet, lean_prior, day | week | month, frame, n_articles, share, share_lo, share_hi,
-- too_few, labeled_share, n_with_frame (articles whose frame set includes the frame).
create or replace view frame_share_daily as select * rename (period as day) from frame_share_at('day');

create or replace view frame_share_weekly as select * rename (period as week) from frame_share_at('week');

create or replace view frame_share_monthly as select * rename (period as month) from frame_share_at('month');
