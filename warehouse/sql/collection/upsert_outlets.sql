insert or replace into outlets (outlet_id, name, domain, country, kind, lean_prior, lean_source)
select outlet_id, name, domain, country, kind, lean_prior, lean_source from batch;
