-- Article-level current-model scores for export (no article text), with the month to partition by.
select *, cast(date_trunc('month', day) as date) as month from article_scores;
