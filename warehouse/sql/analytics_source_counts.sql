-- What the marts are computed from: the current model and the size of each append-only source table.
select (select max(model_version) from models where is_current) as current_model,
       (select count(*) from predictions)                     as n_predictions,
       (select count(*) from predictions_compact)             as n_compact,
       (select count(*) from headline_predictions)            as n_headlines,
       (select count(*) from articles)                        as n_articles;
