insert into story_articles (story_id, article_id, score, linked_to, assigned_at, cosine, name_overlap,
                            term_overlap, number_match, gap_days, best_score)
select story_id, article_id, score, linked_to, assigned_at, cosine, name_overlap, term_overlap,
       number_match, gap_days, best_score
from batch;
