-- outlet_vs_peers: each outlet-week against the median of its peer group, the outlets with the same lean
-- prior (unknown priors form their own group), per frame and per slant label, on estimated shares. The
-- median is over the group's outlets that published that week, the outlet itself included.
-- Columns: outlet_id, outlet, lean_prior, peer_group, week, dimension (frame | slant), label, n_articles,
-- share, peer_outlets (outlets in the group that week), peer_median_share, diff_from_peers
-- (share - peer_median_share).
create or replace view outlet_vs_peers as
with labelled as (
    select w.*, o.name as outlet, o.lean_prior, coalesce(o.lean_prior, 'unknown') as peer_group
    from outlet_week_label w
    left join outlets o using (outlet_id)
),
final as (
    select outlet_id, outlet, lean_prior, peer_group, week, dimension, label, n_articles, share,
           count(*) over g as peer_outlets,
           median(share) over g as peer_median_share,
           share - median(share) over g as diff_from_peers
    from labelled
    window g as (partition by peer_group, week, dimension, label)
)
select * from final;
