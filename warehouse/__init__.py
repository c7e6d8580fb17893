"""DuckDB warehouse: the only package that opens the database."""
