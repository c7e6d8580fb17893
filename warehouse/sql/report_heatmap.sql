-- Outlet x frame share over the whole period (share of the outlet's articles carrying the frame).
with totals as (
    select outlet_id, sum(n_articles) as n from int_outlet_day group by outlet_id
),
counts as (
    select outlet_id, frame, sum(n_with_frame) as k from int_outlet_day_frame group by all
),
final as (
    select c.outlet_id, c.frame, c.k / t.n as share
    from counts c join totals t using (outlet_id)
    where c.outlet_id in (select unnest($outlets))
)
select * from final;
