-- The views were just created from the view files with this fingerprint: the one row of view_state.
delete from view_state;
insert into view_state (fingerprint, n_views, created_at)
select $fingerprint, count(*), current_timestamp from duckdb_views() where not internal;
