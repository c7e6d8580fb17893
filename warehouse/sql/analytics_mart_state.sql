select current_model, n_predictions, n_compact, n_headlines, n_articles from mart_state;
