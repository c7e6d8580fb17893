insert into article_links (article_id, linked_article_id, relation, similarity, cluster_id, outlet_id, url,
                           run_id, linked_at)
select article_id, linked_article_id, relation, similarity, cluster_id, outlet_id, url, run_id, linked_at
from batch;
