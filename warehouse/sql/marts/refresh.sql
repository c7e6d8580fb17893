-- Refresh the mart tables for the articles in the temp table changed_articles (marts/changed_articles.sql).
-- Run by warehouse.marts.refresh_marts in one transaction, after the mart tables were emptied on a full
-- refresh. $frame_keys is the current model's frame order (mart_articles.frame_probs follows it).
-- Cells are additive sums, so weeks, months and 'all' are summed from days (topic '*') or months (topics).

create or replace temp table mart_frames as
select unnest($frame_keys) as frame, unnest(range(1, len($frame_keys) + 1)) as i;

-- what the changed articles touched before the refresh (their old topic, say) ...
create or replace temp table affected as
select distinct coalesce(outlet_id, 'unknown') as outlet_id, day, week, month, topic
from mart_articles
where article_id in (select article_id from changed_articles);

delete from mart_articles where article_id in (select article_id from changed_articles);

insert into mart_articles
select * from int_article_scores_for('changed_articles');

-- ... and after it
insert into affected
select distinct coalesce(outlet_id, 'unknown'), day, week, month, topic
from mart_articles
where article_id in (select article_id from changed_articles);

create or replace temp table affected_days as select distinct outlet_id, day from affected;
create or replace temp table affected_weeks as select distinct outlet_id, week from affected;
create or replace temp table affected_months as select distinct outlet_id, month from affected;
create or replace temp table affected_topic_months as select distinct outlet_id, month, topic from affected;
create or replace temp table affected_outlets as select distinct outlet_id from affected;
create or replace temp table affected_outlet_topics as select distinct outlet_id, topic from affected;

create or replace temp table day_articles as
select m.*, coalesce(m.outlet_id, 'unknown') as oid
from mart_articles m
semi join affected_days d on coalesce(m.outlet_id, 'unknown') = d.outlet_id and m.day = d.day;

-- frames: days (all topics)
delete from mart_frame_cells c using affected_days d
where c.grain = 'day' and c.topic = '*' and c.outlet_id = d.outlet_id and c.period = d.day;

insert into mart_frame_cells
select 'day', a.day, a.oid, '*', f.frame, count(*),
       sum(a.frame_probs[f.i]), sum(a.frame_probs[f.i] * a.frame_probs[f.i]),
       sum(a.frame_flags[f.i]), sum(a.primary_flags[f.i])
from day_articles a
cross join mart_frames f
group by all;

-- frames: weeks and months (all topics), from days
delete from mart_frame_cells c using affected_weeks w
where c.grain = 'week' and c.topic = '*' and c.outlet_id = w.outlet_id and c.period = w.week;

insert into mart_frame_cells
select 'week', cast(date_trunc('week', c.period) as date) as week, c.outlet_id, '*', c.frame,
       sum(c.n_articles), sum(c.sum_p), sum(c.sum_p2), sum(c.n_labeled), sum(c.n_primary)
from mart_frame_cells c
semi join affected_weeks w on c.outlet_id = w.outlet_id and cast(date_trunc('week', c.period) as date) = w.week
where c.grain = 'day' and c.topic = '*'
group by all;

delete from mart_frame_cells c using affected_months m
where c.grain = 'month' and c.topic = '*' and c.outlet_id = m.outlet_id and c.period = m.month;

insert into mart_frame_cells
select 'month', cast(date_trunc('month', c.period) as date) as month, c.outlet_id, '*', c.frame,
       sum(c.n_articles), sum(c.sum_p), sum(c.sum_p2), sum(c.n_labeled), sum(c.n_primary)
from mart_frame_cells c
semi join affected_months m
    on c.outlet_id = m.outlet_id and cast(date_trunc('month', c.period) as date) = m.month
where c.grain = 'day' and c.topic = '*'
group by all;

-- frames: months by topic, from the articles
delete from mart_frame_cells c using affected_topic_months m
where c.grain = 'month' and c.topic = m.topic and c.outlet_id = m.outlet_id and c.period = m.month;

insert into mart_frame_cells
select 'month', a.month, coalesce(a.outlet_id, 'unknown'), a.topic, f.frame, count(*),
       sum(a.frame_probs[f.i]), sum(a.frame_probs[f.i] * a.frame_probs[f.i]),
       sum(a.frame_flags[f.i]), sum(a.primary_flags[f.i])
from mart_articles a
semi join affected_topic_months m
    on coalesce(a.outlet_id, 'unknown') = m.outlet_id and a.month = m.month and a.topic = m.topic
cross join mart_frames f
group by all;

-- frames: the whole period, all topics and by topic, from months
delete from mart_frame_cells c using affected_outlets o
where c.grain = 'all' and c.topic = '*' and c.outlet_id = o.outlet_id;

delete from mart_frame_cells c using affected_outlet_topics o
where c.grain = 'all' and c.topic = o.topic and c.outlet_id = o.outlet_id;

insert into mart_frame_cells
select 'all', date '1970-01-01', c.outlet_id, c.topic, c.frame,
       sum(c.n_articles), sum(c.sum_p), sum(c.sum_p2), sum(c.n_labeled), sum(c.n_primary)
from mart_frame_cells c
where c.grain = 'month'
  and (
      (c.topic = '*' and c.outlet_id in (select outlet_id from affected_outlets))
      or (c.topic <> '*' and exists (
          select 1 from affected_outlet_topics o where o.outlet_id = c.outlet_id and o.topic = c.topic))
  )
group by all;

-- slant and tone: the same grains
delete from mart_slant_cells c using affected_days d
where c.grain = 'day' and c.topic = '*' and c.outlet_id = d.outlet_id and c.period = d.day;

insert into mart_slant_cells
select 'day', a.day, a.oid, '*', count(*),
       sum(a.slant_left), sum(a.slant_center), sum(a.slant_right),
       sum(a.slant_left * a.slant_left), sum(a.slant_center * a.slant_center),
       sum(a.slant_right * a.slant_right),
       sum(a.slant_right - a.slant_left), sum((a.slant_right - a.slant_left) * (a.slant_right - a.slant_left)),
       count(*) filter (where a.slant = 'left'), count(*) filter (where a.slant = 'center'),
       count(*) filter (where a.slant = 'right'),
       sum(a.tone_score), sum(a.tone_score * a.tone_score),
       count(*) filter (where a.tone = 'positive'), count(*) filter (where a.tone = 'neutral'),
       count(*) filter (where a.tone = 'negative')
from day_articles a
group by all;

delete from mart_slant_cells c using affected_weeks w
where c.grain = 'week' and c.topic = '*' and c.outlet_id = w.outlet_id and c.period = w.week;

insert into mart_slant_cells
select 'week', cast(date_trunc('week', c.period) as date), c.outlet_id, '*', sum(c.n_articles),
       sum(c.sum_left), sum(c.sum_center), sum(c.sum_right), sum(c.sum_left2), sum(c.sum_center2),
       sum(c.sum_right2), sum(c.sum_score), sum(c.sum_score2), sum(c.n_left), sum(c.n_center),
       sum(c.n_right), sum(c.sum_tone), sum(c.sum_tone2), sum(c.n_positive), sum(c.n_neutral),
       sum(c.n_negative)
from mart_slant_cells c
semi join affected_weeks w on c.outlet_id = w.outlet_id and cast(date_trunc('week', c.period) as date) = w.week
where c.grain = 'day' and c.topic = '*'
group by all;

delete from mart_slant_cells c using affected_months m
where c.grain = 'month' and c.topic = '*' and c.outlet_id = m.outlet_id and c.period = m.month;

insert into mart_slant_cells
select 'month', cast(date_trunc('month', c.period) as date), c.outlet_id, '*', sum(c.n_articles),
       sum(c.sum_left), sum(c.sum_center), sum(c.sum_right), sum(c.sum_left2), sum(c.sum_center2),
       sum(c.sum_right2), sum(c.sum_score), sum(c.sum_score2), sum(c.n_left), sum(c.n_center),
       sum(c.n_right), sum(c.sum_tone), sum(c.sum_tone2), sum(c.n_positive), sum(c.n_neutral),
       sum(c.n_negative)
from mart_slant_cells c
semi join affected_months m
    on c.outlet_id = m.outlet_id and cast(date_trunc('month', c.period) as date) = m.month
where c.grain = 'day' and c.topic = '*'
group by all;

delete from mart_slant_cells c using affected_topic_months m
where c.grain = 'month' and c.topic = m.topic and c.outlet_id = m.outlet_id and c.period = m.month;

insert into mart_slant_cells
select 'month', a.month, coalesce(a.outlet_id, 'unknown'), a.topic, count(*),
       sum(a.slant_left), sum(a.slant_center), sum(a.slant_right),
       sum(a.slant_left * a.slant_left), sum(a.slant_center * a.slant_center),
       sum(a.slant_right * a.slant_right),
       sum(a.slant_right - a.slant_left), sum((a.slant_right - a.slant_left) * (a.slant_right - a.slant_left)),
       count(*) filter (where a.slant = 'left'), count(*) filter (where a.slant = 'center'),
       count(*) filter (where a.slant = 'right'),
       sum(a.tone_score), sum(a.tone_score * a.tone_score),
       count(*) filter (where a.tone = 'positive'), count(*) filter (where a.tone = 'neutral'),
       count(*) filter (where a.tone = 'negative')
from mart_articles a
semi join affected_topic_months m
    on coalesce(a.outlet_id, 'unknown') = m.outlet_id and a.month = m.month and a.topic = m.topic
group by all;

delete from mart_slant_cells c using affected_outlets o
where c.grain = 'all' and c.topic = '*' and c.outlet_id = o.outlet_id;

delete from mart_slant_cells c using affected_outlet_topics o
where c.grain = 'all' and c.topic = o.topic and c.outlet_id = o.outlet_id;

insert into mart_slant_cells
select 'all', date '1970-01-01', c.outlet_id, c.topic, sum(c.n_articles),
       sum(c.sum_left), sum(c.sum_center), sum(c.sum_right), sum(c.sum_left2), sum(c.sum_center2),
       sum(c.sum_right2), sum(c.sum_score), sum(c.sum_score2), sum(c.n_left), sum(c.n_center),
       sum(c.n_right), sum(c.sum_tone), sum(c.sum_tone2), sum(c.n_positive), sum(c.n_neutral),
       sum(c.n_negative)
from mart_slant_cells c
where c.grain = 'month'
  and (
      (c.topic = '*' and c.outlet_id in (select outlet_id from affected_outlets))
      or (c.topic <> '*' and exists (
          select 1 from affected_outlet_topics o where o.outlet_id = c.outlet_id and o.topic = c.topic))
  )
group by all;
