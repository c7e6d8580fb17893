-- The articles whose mart rows are out of date: a current-model prediction, a headline prediction or a
-- topic written after the last refresh ($watermark), or every scored article when $full.
create or replace temp table changed_articles as
with current_model as (
    select model_version from models where is_current
),
final as (
    select article_id from predictions
    where model_version in (select model_version from current_model) and ($full or scored_at > $watermark)
    union
    select article_id from headline_predictions
    where model_version in (select model_version from current_model) and ($full or scored_at > $watermark)
    union
    select article_id from article_topics
    where $full or assigned_at > $watermark
)
select * from final;
