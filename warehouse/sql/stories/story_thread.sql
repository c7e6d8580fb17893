-- One thread: its headline (the subject its stories share) and subject names.
select thread_id, headline, subject, n_stories, n_articles from threads where thread_id = $thread_id;
