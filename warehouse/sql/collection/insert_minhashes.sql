insert into article_minhashes (article_id, cluster_id, scheme, num_perm, seed, shingle_words, hashvalues, created_at)
select article_id, cluster_id, scheme, num_perm, seed, shingle_words, hashvalues, created_at
from batch;
