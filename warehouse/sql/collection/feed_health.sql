-- One row per registered feed: last success, failures in a row since then, the last failure's reason,
-- entries at the last parse, and new entries since $since (UTC; the CLI passes 7 days ago).
with fetches as (
    select * from feed_fetches
),

last_success as (
    select feed_url, max(fetched_at) as last_success
    from fetches
    where outcome in ('ok', 'not_modified')
    group by feed_url
),

last_attempt as (
    select feed_url, fetched_at as last_attempt, outcome as last_outcome, reason as last_reason
    from fetches
    qualify row_number() over (partition by feed_url order by fetched_at desc) = 1
),

failures_in_a_row as (
    select f.feed_url, count(*) as failures_in_a_row
    from fetches f
    left join last_success s using (feed_url)
    where f.outcome = 'failed' and (s.last_success is null or f.fetched_at > s.last_success)
    group by f.feed_url
),

last_parse as (
    select feed_url, items as items_last
    from fetches
    where outcome = 'ok'
    qualify row_number() over (partition by feed_url order by fetched_at desc) = 1
),

recent as (
    select feed_url, sum(new_items) as new_items_7d, count(*) as fetches_7d
    from fetches
    where fetched_at >= $since
    group by feed_url
),

feed_list as (
    select feed_url, outlet_id, kind from feeds
    union all
    select feed_url, any_value(outlet_id) as outlet_id, any_value(kind) as kind
    from fetches
    where feed_url not in (select feed_url from feeds)
    group by feed_url
),

final as (
    select
        l.outlet_id,
        l.feed_url,
        l.kind,
        s.last_success,
        a.last_attempt,
        a.last_outcome,
        coalesce(r.failures_in_a_row, 0) as failures_in_a_row,
        case when a.last_outcome = 'failed' then a.last_reason end as last_reason,
        p.items_last,
        coalesce(rc.new_items_7d, 0) as new_items_7d
    from feed_list l
    left join last_success s using (feed_url)
    left join last_attempt a using (feed_url)
    left join failures_in_a_row r using (feed_url)
    left join last_parse p using (feed_url)
    left join recent rc using (feed_url)
)

select * from final
where failures_in_a_row >= $min_failures
order by failures_in_a_row desc, last_success nulls first, outlet_id, feed_url;
