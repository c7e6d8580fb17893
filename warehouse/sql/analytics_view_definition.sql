select sql from duckdb_views() where view_name = $1 and database_name = current_database();
