-- The articles behind an alert: that outlet's articles of the week that use the label most (a rise) or
-- least (a fall), by the label's probability.
with week_articles as (
    select m.article_id, m.day,
           case when $dimension = 'frame' then m.frame_probs[(select i from mart_frame_order where frame = $label)]
                when $label = 'left' then m.slant_left
                when $label = 'center' then m.slant_center
                else m.slant_right end as p
    from mart_articles m
    where m.outlet_id = $outlet_id and m.week = $week
),
final as (
    select article_id, day, case when $up then p else -p end as strength
    from week_articles
)
select article_id from final order by strength desc, day desc, article_id limit $limit;
