-- Recovery: gold decisions from the labels export (registered batch `batch`) that the database lacks,
-- known by article and decision time.
insert into gold_labels
select article_id, frames, primary_frame, slant, tone, codebook_version, method, adjudicator, n_annotators,
       decided_at, note
from batch b
where not exists (
    select 1 from gold_labels g where g.article_id = b.article_id and g.decided_at = b.decided_at
)
qualify row_number() over (partition by b.article_id, b.decided_at) = 1
returning article_id;
