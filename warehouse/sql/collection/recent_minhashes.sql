-- Signatures made with the current MinHash parameters since $since (UTC), oldest first.
select article_id, cluster_id, hashvalues
from article_minhashes
where scheme = $scheme and num_perm = $num_perm and seed = $seed and shingle_words = $shingle_words
  and created_at >= $since
order by created_at, article_id;
