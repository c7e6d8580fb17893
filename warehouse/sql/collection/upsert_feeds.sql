insert or replace into feeds (feed_url, outlet_id, kind)
select feed_url, outlet_id, kind from batch;
