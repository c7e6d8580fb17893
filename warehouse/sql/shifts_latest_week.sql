select max(week) from int_outlet_day;
