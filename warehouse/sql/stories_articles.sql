-- Articles to group: id, outlet, day (published, else fetched), title, body text.
select article_id, outlet_id, coalesce(published, cast(fetched_at as date)) as day, title, text
from articles
order by day, article_id;
