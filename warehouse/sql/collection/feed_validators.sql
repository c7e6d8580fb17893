-- The validators of each feed's latest successful fetch, for the next conditional GET.
with answered as (
    select feed_url, etag, last_modified, fetched_at
    from feed_fetches
    where outcome in ('ok', 'not_modified')
    qualify row_number() over (partition by feed_url order by fetched_at desc) = 1
),

final as (
    select feed_url, etag, last_modified
    from answered
    where etag is not null or last_modified is not null
)

select * from final;
