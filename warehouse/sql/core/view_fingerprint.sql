-- The fingerprint of the view files the views were last created from and how many views there were then
-- (no row before migration 014's first refresh), and how many views the warehouse holds now.
select
    (select fingerprint from view_state) as fingerprint,
    (select n_views from view_state) as n_views_then,
    (select count(*) from duckdb_views() where not internal) as n_views_now;
