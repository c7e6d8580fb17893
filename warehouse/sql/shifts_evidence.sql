-- The articles behind an alert: that outlet's articles of the week that carry the label (a rise) or
-- that do not (a fall), most recent first.
with week_articles as (
    select article_id, day, frames, slant
    from int_article_scores
    where outlet_id = $outlet_id and week = $week
),
final as (
    select article_id, day
    from week_articles
    where (case when $dimension = 'frame' then list_contains(frames, $label) else slant = $label end) = $up
)
select article_id from final order by day desc, article_id limit $limit;
