select (select max(model_version) from models where is_current) as model_version,
       (select count(*) from article_scores)                   as n_articles,
       (select count(distinct outlet_id) from article_scores)  as n_outlets,
       (select min(day) from article_scores)                   as first_day,
       (select max(day) from article_scores)                   as last_day,
       (select count(*) from stories where n_outlets > 1)      as n_stories;
