-- 014: the fingerprint of the view files the warehouse's views were last created from
-- (warehouse.db.ensure_views). A writable connection recreates the views only when the files differ from
-- that fingerprint, a view is missing or a migration was applied: recreating all of them took 0.2-0.3 s
-- on every writable open (each label saved on the labeling page, each task of a flow run).
create table view_state (
    fingerprint  varchar not null,        -- sha256 over the view files' names and texts, in order
    n_views      integer not null,        -- how many views the warehouse held right after
    created_at   timestamp not null
);
