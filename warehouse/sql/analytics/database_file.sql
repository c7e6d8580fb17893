select path from duckdb_databases() where database_name = current_database();
