-- The frames in the order of mart_articles.frame_probs (the report's article probabilities use it).
select frame from mart_frame_order order by i;
