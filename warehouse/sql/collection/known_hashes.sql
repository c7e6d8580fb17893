-- content hash -> the article stored with it (the first one, should two share a hash).
select content_hash, min(article_id) as article_id
from articles
group by content_hash;
