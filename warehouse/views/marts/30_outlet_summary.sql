-- outlet_summary: one row per outlet over every scored article (current model), estimates with 90%
-- intervals.
-- Columns: outlet_id, outlet, lean_prior, n_articles, slant_left, slant_center, slant_right (estimated
-- shares: mean slant probabilities), slant_score (mean of P(right) - P(left), -1..1), slant_score_lo,
-- slant_score_hi (90% interval), mean_tone (-1..1), top_frames (the three frames with the highest estimated
-- share, e.g. 'Political 41%'), distinctive_frames (up to three frames the outlet uses clearly more than
-- the other outlets, frame_lift.stands_out, largest difference first, in percentage points against the
-- others' share: e.g. 'Crime and punishment 55% vs 38%'), too_few (under 10 articles), n_in_training (of
-- its articles, those the current model was trained on: figures on them are in-sample; 0 also when the
-- training data is not known here, see model_training_checks).
create or replace view outlet_summary as
with slants as (
    select * from slant_share where grain = 'all' and topic = '*'
),
ranked as (
    select outlet_id, frame, share,
           row_number() over (partition by outlet_id order by share desc, frame) as rk
    from frame_share
    where grain = 'all' and topic = '*'
),
tops as (
    select outlet_id,
           string_agg(frame || ' ' || cast(round(100 * share) as integer) || '%', ', ' order by rk) as top_frames
    from ranked
    where rk <= 3
    group by outlet_id
),
lifted as (
    select outlet_id, frame, share, others_share,
           row_number() over (partition by outlet_id order by diff desc, frame) as rk
    from frame_lift
    where grain = 'all' and topic = '*' and stands_out and diff > 0
),
distinctive as (
    select outlet_id,
           string_agg(frame || ' ' || cast(round(100 * share) as integer) || '% vs '
                      || cast(round(100 * others_share) as integer) || '%', ', ' order by rk)
               as distinctive_frames
    from lifted
    where rk <= 3
    group by outlet_id
),
trained as (
    select coalesce(m.outlet_id, 'unknown') as outlet_id, count(*) as n_in_training
    from mart_articles m
    join model_training_articles t on t.article_id = m.article_id and t.model_version = m.model_version
    group by all
),
final as (
    select s.outlet_id, s.outlet, s.lean_prior, s.n_articles, s.slant_left, s.slant_center, s.slant_right,
           s.slant_score, s.slant_score_lo, s.slant_score_hi, s.mean_tone, t.top_frames,
           d.distinctive_frames, s.too_few, coalesce(tr.n_in_training, 0) as n_in_training
    from slants s
    left join tops t using (outlet_id)
    left join distinctive d using (outlet_id)
    left join trained tr using (outlet_id)
)
select * from final;
