-- Refresh the mart tables for the articles in the temp table changed_articles (marts/changed_articles.sql).
-- Run by warehouse.marts.refresh_marts in one transaction, after the mart tables were emptied on a full
-- refresh. $frame_keys is the current model's frame order (mart_articles.frame_probs follows it).
-- Cells are additive sums. Each table is written once over its grains: the cells the changed articles touch
-- (affected_cells: day, week, month and 'all', topic '*' and by topic) are deleted in one statement; days
-- (topic '*') and months by topic are summed from the articles; weeks and months (topic '*') from days;
-- 'all' from months (topic '*' and by topic).

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

-- every cell the changed articles touch, at every grain: (grain, outlet, period, topic)
create or replace temp table affected_cells as
select distinct k.grain as grain, a.outlet_id, k.period as period, k.topic as topic
from affected a,
     unnest([
         {'grain': 'day', 'period': a.day, 'topic': '*'},
         {'grain': 'week', 'period': a.week, 'topic': '*'},
         {'grain': 'month', 'period': a.month, 'topic': '*'},
         {'grain': 'month', 'period': a.month, 'topic': a.topic},
         {'grain': 'all', 'period': date '1970-01-01', 'topic': '*'},
         {'grain': 'all', 'period': date '1970-01-01', 'topic': a.topic}
     ]) as u(k);

-- the articles behind the cells summed from articles: days (topic '*') and months by topic
create or replace temp table cell_articles as
select x.*
from (
    select k.grain, k.period, k.topic, m.* exclude (topic), coalesce(m.outlet_id, 'unknown') as oid
    from mart_articles m,
         unnest([
             {'grain': 'day', 'period': m.day, 'topic': '*'},
             {'grain': 'month', 'period': m.month, 'topic': m.topic}
         ]) as u(k)
) x
semi join affected_cells c
    on c.grain = x.grain and c.outlet_id = x.oid and c.period = x.period and c.topic = x.topic;

-- weeks and months (topic '*') are summed from days: days_to_roll(cells) is every day cell (topic '*') of
-- the table named `cells` whose week or month is an affected cell, once for each, with that grain and period
create or replace temp table rollups as select * from (values ('week'), ('month')) t(grain);

create or replace temp macro days_to_roll(cells) as table
select c.* replace (r.grain as grain, cast(date_trunc(r.grain, c.period) as date) as period)
from query_table(cells) c
cross join rollups r
semi join affected_cells a
    on a.grain = r.grain and a.outlet_id = c.outlet_id and a.topic = '*'
   and a.period = cast(date_trunc(r.grain, c.period) as date)
where c.grain = 'day' and c.topic = '*';

-- frames
delete from mart_frame_cells c using affected_cells a
where c.grain = a.grain and c.outlet_id = a.outlet_id and c.period = a.period and c.topic = a.topic;

insert into mart_frame_cells
select a.grain, a.period, a.oid, a.topic, f.frame, count(*),
       sum(a.frame_probs[f.i]), sum(a.frame_probs[f.i] * a.frame_probs[f.i]),
       sum(a.frame_flags[f.i]), sum(a.primary_flags[f.i])
from cell_articles a
cross join mart_frames f
group by all;

insert into mart_frame_cells
select c.grain, c.period, c.outlet_id, '*', c.frame,
       sum(c.n_articles), sum(c.sum_p), sum(c.sum_p2), sum(c.n_labeled), sum(c.n_primary)
from days_to_roll('mart_frame_cells') c
group by all;

insert into mart_frame_cells
select 'all', date '1970-01-01', c.outlet_id, c.topic, c.frame,
       sum(c.n_articles), sum(c.sum_p), sum(c.sum_p2), sum(c.n_labeled), sum(c.n_primary)
from mart_frame_cells c
semi join affected_cells a on a.grain = 'all' and a.outlet_id = c.outlet_id and a.topic = c.topic
where c.grain = 'month'
group by all;

-- slant and tone: the same grains
delete from mart_slant_cells c using affected_cells a
where c.grain = a.grain and c.outlet_id = a.outlet_id and c.period = a.period and c.topic = a.topic;

insert into mart_slant_cells
select a.grain, a.period, a.oid, a.topic, count(*),
       sum(a.slant_left), sum(a.slant_center), sum(a.slant_right),
       sum(a.slant_left * a.slant_left), sum(a.slant_center * a.slant_center),
       sum(a.slant_right * a.slant_right),
       sum(a.slant_right - a.slant_left), sum((a.slant_right - a.slant_left) * (a.slant_right - a.slant_left)),
       count(*) filter (where a.slant = 'left'), count(*) filter (where a.slant = 'center'),
       count(*) filter (where a.slant = 'right'),
       sum(a.tone_score), sum(a.tone_score * a.tone_score),
       count(*) filter (where a.tone = 'positive'), count(*) filter (where a.tone = 'neutral'),
       count(*) filter (where a.tone = 'negative')
from cell_articles a
group by all;

insert into mart_slant_cells
select c.grain, c.period, c.outlet_id, '*', sum(c.n_articles),
       sum(c.sum_left), sum(c.sum_center), sum(c.sum_right), sum(c.sum_left2), sum(c.sum_center2),
       sum(c.sum_right2), sum(c.sum_score), sum(c.sum_score2), sum(c.n_left), sum(c.n_center),
       sum(c.n_right), sum(c.sum_tone), sum(c.sum_tone2), sum(c.n_positive), sum(c.n_neutral),
       sum(c.n_negative)
from days_to_roll('mart_slant_cells') c
group by all;

insert into mart_slant_cells
select 'all', date '1970-01-01', c.outlet_id, c.topic, sum(c.n_articles),
       sum(c.sum_left), sum(c.sum_center), sum(c.sum_right), sum(c.sum_left2), sum(c.sum_center2),
       sum(c.sum_right2), sum(c.sum_score), sum(c.sum_score2), sum(c.n_left), sum(c.n_center),
       sum(c.n_right), sum(c.sum_tone), sum(c.sum_tone2), sum(c.n_positive), sum(c.n_neutral),
       sum(c.n_negative)
from mart_slant_cells c
semi join affected_cells a on a.grain = 'all' and a.outlet_id = c.outlet_id and a.topic = c.topic
where c.grain = 'month'
group by all;
