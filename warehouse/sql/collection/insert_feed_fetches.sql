insert into feed_fetches (run_id, feed_url, outlet_id, kind, fetched_at, outcome, http_status, reason, detail,
                          items, new_items, etag, last_modified, elapsed_ms)
select run_id, feed_url, outlet_id, kind, fetched_at, outcome, http_status, reason, detail,
       items, new_items, etag, last_modified, elapsed_ms
from batch;
