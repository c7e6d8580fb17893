select article_id, outlet_id, batch_id, frozen_at from label_test_set order by frozen_at, article_id;
