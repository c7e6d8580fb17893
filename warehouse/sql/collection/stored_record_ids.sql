-- Stored articles imported without a URL whose record id (their own `id` field) is in the registered
-- batch (record_id). Their normalized_url is 'import:<file name>:<id>', so the same id given by another
-- file is found here too. The first stored wins when an older warehouse holds one id twice.
select b.record_id, arg_min(a.article_id, a.fetched_at), arg_min(a.content_hash, a.fetched_at)
from articles a
join batch b on regexp_extract(a.normalized_url, '^import:[^:]*:(.*)$', 1) = b.record_id
where starts_with(a.normalized_url, 'import:')
group by b.record_id;
