"""Stories: the articles that report one event across outlets, and threads of stories on one subject.

This folder is the feature's analysis layer, one module a step:

- features.py: what an article offers for linking (names, numbers, content words of its title and lead)
- link.py, link.json: how likely two articles report the same event (the fitted pair model)
- grouping.py: the single pass that puts each new article into a story (the entry point: update_stories)
- threads.py: stories of one ongoing subject, bounded by the names they share
- view.py: one story or thread read side by side (framewatch story ID, the report's pages)
- gold.py, tuning.py: gold events (AllSides roundups), pair scores, and fitting link.json on them

Below it, the warehouse keeps the tables and reads (warehouse/stories_store.py, warehouse/story_reads.py,
warehouse/sql/stories/, views story_comparison, story_coverage, story_blindspots); above it, the command
line (framewatch/cli/stories.py) and the report (flows/reporting)."""
