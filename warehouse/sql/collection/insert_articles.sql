-- New articles from the registered arrow batch `batch`: skip ids already stored and repeats in the batch.
insert into articles
with fresh as (
    select * from batch
    where article_id not in (select article_id from articles)
    qualify row_number() over (partition by article_id order by fetched_at) = 1
)
select article_id, outlet_id, url, canonical_url, normalized_url, feed_url, title, byline, published,
       language, text, content_hash, raw_html_z, extractor, extractor_version, first_run_id, fetched_at
from fresh
returning article_id;
