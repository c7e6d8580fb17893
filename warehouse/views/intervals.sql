-- Interval macros every mart view uses (90%: z = 1.645), so a share means the same interval everywhere.
--
-- A share (of an outlet's articles that use a frame, or that are left / center / right) is estimated by the
-- mean calibrated probability p over n articles. Whether one article uses the frame is a yes / no with
-- probability p, so the sampling variance of the share is p(1 - p) / n however sure the model is of each
-- article (the spread of the probabilities alone is zero at n = 1, or when every article gets 0.5). The
-- Wilson score interval of p with n articles is wide at small n, never of zero width, and stays in 0..1
-- (and contains p, also where rounding would put p a hair outside).
-- It covers the sampling of articles only, not the model's own error (see the model card's held-out
-- figures, shown beside every interval in the report).
--
-- Macros: wilson_lo(p, n), wilson_hi(p, n): the 90% Wilson score interval of a share p over n articles.
-- score_lo(s, n), score_hi(s, n): the same for a score s in -1..1 (slant score, tone), as the Wilson
--   interval of (s + 1) / 2: the widest a mean of n values in -1..1 can spread.
-- lift_lo(p, n, q, m), lift_hi(p, n, q, m): a 90% interval of the ratio p / q of a share p over n articles
--   and a share q over m (log scale, Agresti-Coull adjusted shares: finite and never of zero width, also
--   for a share of 0); it always contains p / q.
-- newcombe_lo(p, n, q, m), newcombe_hi(p, n, q, m): the 90% interval of the difference p - q of two shares
--   (Newcombe's hybrid score interval, from the two Wilson intervals).
create or replace macro wilson_lo(p, n) as
    greatest(
        least(
            ((p) + 1.645 ^ 2 / (2 * (n))
             - 1.645 * sqrt(greatest((p) * (1 - (p)), 0) / (n) + 1.645 ^ 2 / (4 * (n) * (n))))
            / (1 + 1.645 ^ 2 / (n)),
            p
        ),
        0
    );

create or replace macro wilson_hi(p, n) as
    least(
        greatest(
            ((p) + 1.645 ^ 2 / (2 * (n))
             + 1.645 * sqrt(greatest((p) * (1 - (p)), 0) / (n) + 1.645 ^ 2 / (4 * (n) * (n))))
            / (1 + 1.645 ^ 2 / (n)),
            p
        ),
        1
    );

create or replace macro score_lo(s, n) as 2 * wilson_lo(((s) + 1) / 2, n) - 1;

create or replace macro score_hi(s, n) as 2 * wilson_hi(((s) + 1) / 2, n) - 1;

create or replace macro lift_se(p, n, q, m) as
    sqrt(
        (1 - ((n) * (p) + 1.645 ^ 2 / 2) / ((n) + 1.645 ^ 2))
            / ((n) * (p) + 1.645 ^ 2 / 2)
        + (1 - ((m) * (q) + 1.645 ^ 2 / 2) / ((m) + 1.645 ^ 2))
            / ((m) * (q) + 1.645 ^ 2 / 2)
    );

create or replace macro lift_adjusted(p, n, q, m) as
    (((n) * (p) + 1.645 ^ 2 / 2) / ((n) + 1.645 ^ 2)) / (((m) * (q) + 1.645 ^ 2 / 2) / ((m) + 1.645 ^ 2));

create or replace macro lift_lo(p, n, q, m) as
    least(lift_adjusted(p, n, q, m) * exp(-1.645 * lift_se(p, n, q, m)), (p) / nullif(q, 0));

create or replace macro lift_hi(p, n, q, m) as
    greatest(lift_adjusted(p, n, q, m) * exp(1.645 * lift_se(p, n, q, m)), (p) / nullif(q, 0));

create or replace macro newcombe_lo(p, n, q, m) as
    (p) - (q) - sqrt(((p) - wilson_lo(p, n)) ^ 2 + (wilson_hi(q, m) - (q)) ^ 2);

create or replace macro newcombe_hi(p, n, q, m) as
    (p) - (q) + sqrt((wilson_hi(p, n) - (p)) ^ 2 + ((q) - wilson_lo(q, m)) ^ 2);
