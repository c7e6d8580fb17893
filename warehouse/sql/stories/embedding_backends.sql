-- How many stored story embeddings of a model each backend computed ('unknown': stored before backends were
-- recorded), most first.
select coalesce(backend, 'unknown') as backend, count(*) as n
from article_embeddings
where model = $1
group by 1
order by 2 desc, 1;
