"""Plain library code for collection: fetching, parsing feeds, extraction, URL normalization, dedup."""
