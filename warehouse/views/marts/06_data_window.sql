-- data_window: where the bulk of the scored articles lies in time (current model), so that defaults (the
-- report's period, the README's "this month" and "last weeks", the shift check's week) follow the data
-- rather than its newest article: one article dated years after the rest must not hide them all.
-- Weeks with articles are split where no article was published for more than 26 weeks; the bulk is the
-- stretch with the most articles (the latest of equal ones). Articles outside it are counted and dated, so
-- whoever uses the window can say what it leaves out.
-- Columns: (one row; none without scored articles) first_day, last_day, first_week, last_week, first_month,
-- last_month (the bulk's first and last day, week and month), n_articles (in the bulk), n_total (all scored
-- articles), n_outside (n_total - n_articles), outside_first_day, outside_last_day (dates of the articles
-- left out; null when none), n_stretches (stretches of weeks found).
create or replace view data_window as
with weeks as (
    select period as week, sum(n_articles) as n
    from mart_slant_cells
    where grain = 'week' and topic = '*'
    group by period
),
gaps as (
    select *,
           case when lag(week) over (order by week) is null
                  or week - lag(week) over (order by week) > 26 * 7 then 1 else 0 end as starts
    from weeks
),
stretches as (
    select *, sum(starts) over (order by week rows between unbounded preceding and current row) as stretch
    from gaps
),
sized as (
    select stretch, min(week) as first_week, max(week) as last_week, sum(n) as n
    from stretches
    group by stretch
),
bulk as (
    select * from sized order by n desc, last_week desc limit 1
),
days as (
    select c.period as day, c.n_articles, c.period between b.first_week and b.last_week + 6 as inside
    from mart_slant_cells c, bulk b
    where c.grain = 'day' and c.topic = '*'
),
final as (
    select min(day) filter (where inside) as first_day,
           max(day) filter (where inside) as last_day,
           any_value(b.first_week) as first_week,
           any_value(b.last_week) as last_week,
           cast(date_trunc('month', min(day) filter (where inside)) as date) as first_month,
           cast(date_trunc('month', max(day) filter (where inside)) as date) as last_month,
           cast(sum(n_articles) filter (where inside) as bigint) as n_articles,
           cast(sum(n_articles) as bigint) as n_total,
           cast(coalesce(sum(n_articles) filter (where not inside), 0) as bigint) as n_outside,
           min(day) filter (where not inside) as outside_first_day,
           max(day) filter (where not inside) as outside_last_day,
           (select count(*) from sized) as n_stretches
    from days, bulk b
    having count(*) > 0
)
select * from final;
