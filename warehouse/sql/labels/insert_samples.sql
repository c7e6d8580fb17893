insert into label_samples
select batch_id, article_id, outlet_id, strategy, score, position, annotator, created_at from batch;
