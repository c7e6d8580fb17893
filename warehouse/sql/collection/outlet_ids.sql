-- Every outlet id the warehouse holds.
select outlet_id from outlets;
