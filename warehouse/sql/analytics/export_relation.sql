select * from query_table($1);
