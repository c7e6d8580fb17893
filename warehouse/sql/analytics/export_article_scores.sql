-- Article-level current-model scores for the Parquet export (partitioned by month and outlet).
select * from article_scores;
