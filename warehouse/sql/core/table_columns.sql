-- The columns of one warehouse table, in table order (warehouse.schema derives Arrow schemas from them).
select column_name
from information_schema.columns
where table_schema = 'main' and table_name = $1
order by ordinal_position;
