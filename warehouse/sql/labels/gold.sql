-- Gold labels with their article text. Parameter: $split = 'train' (not in the test set), 'test', or 'all'.
with final as (
    select g.article_id, a.outlet_id, a.title, a.text, g.frames, g.primary_frame, g.slant, g.tone,
           g.codebook_version, g.method, g.in_test_set
    from gold_current g
    join articles a using (article_id)
    where $split = 'all'
       or ($split = 'test' and g.in_test_set)
       or ($split = 'train' and not g.in_test_set)
)
select * from final order by article_id;
