-- Outlets found in imported records, added only when not stored yet: an import never renames an outlet.
insert or ignore into outlets (outlet_id, name, domain, country, kind, lean_prior, lean_source)
select outlet_id, name, domain, country, kind, lean_prior, lean_source from batch;
