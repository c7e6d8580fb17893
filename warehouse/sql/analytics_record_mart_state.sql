-- Record what the rollups were built from (one row: the latest refresh).
delete from mart_state;
insert into mart_state (refreshed_at, current_model, n_predictions, n_compact, n_headlines, n_articles)
values ($refreshed_at, $current_model, $n_predictions, $n_compact, $n_headlines, $n_articles);
