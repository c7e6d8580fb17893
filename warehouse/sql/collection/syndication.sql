-- Stories carried by more than one article: copies per cluster, by relation, and outlets involved.
with links as (
    select * from article_links
),

final as (
    select
        l.cluster_id,
        a.title,
        a.outlet_id                                              as first_outlet,
        count(*) filter (where l.relation = 'near_duplicate')    as near_copies,
        count(*) filter (where l.relation = 'exact_duplicate')   as exact_copies,
        count(distinct l.outlet_id)                              as other_outlets
    from links l
    left join articles a on a.article_id = l.cluster_id
    group by l.cluster_id, a.title, a.outlet_id
)

select * from final
order by near_copies + exact_copies desc, cluster_id
limit $limit;
