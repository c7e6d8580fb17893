"""The labeling page: a small web app bound to 127.0.0.1 (`framewatch label serve`)."""
