-- Recovery: test-set members from the labels export (registered batch `batch`) that the database lacks.
insert into label_test_set
select article_id, outlet_id, batch_id, frozen_at
from batch b
where b.article_id not in (select article_id from label_test_set)
qualify row_number() over (partition by b.article_id order by b.frozen_at) = 1
returning article_id;
