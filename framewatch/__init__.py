"""framewatch command line."""
