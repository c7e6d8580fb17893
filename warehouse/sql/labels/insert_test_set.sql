-- Freeze articles into the test set (rows from the registered arrow batch `batch`); members stay members.
insert into label_test_set
select article_id, outlet_id, batch_id, frozen_at from batch
where article_id not in (select article_id from label_test_set);
