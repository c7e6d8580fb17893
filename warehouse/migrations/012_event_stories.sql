-- 012: a story is one event (complete linkage of a pair model fitted on gold events); a thread is
-- bounded by the subject its stories share.
--
-- story_articles.score is now the probability that the article reports the story's event: the weakest of
-- its links to the members compared (complete linkage, 0..1). The evidence of its link to the member it
-- matched best (linked_to) is stored with it, so a link explains itself.

alter table story_articles add column term_overlap double;   -- idf-weighted Jaccard of the leads' words
alter table story_articles add column number_match integer;  -- 1 a number in common, -1 both give numbers, none shared
alter table story_articles add column gap_days integer;      -- days between the two articles
alter table story_articles add column best_score double;     -- pair probability with linked_to

-- threads: the names every story of the thread carries (its headline is made of them), and the sum of its
-- stories' centroids (new stories are compared with it without reading the thread's articles).
alter table threads add column subject varchar[];
alter table threads add column centroid_sum float[];
