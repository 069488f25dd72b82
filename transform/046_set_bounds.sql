-- Each set's own intersection; a set settles its fact only if that intersection is not empty.
-- A set is (fact_id, set_rule): all its mentions are intersected together. (R3 keeps every source published on
-- the latest date: each names itself in `why`, and their reasons are joined into the set's one.)
-- One join of the sets' mentions (materialised once), grouped by ids only, the set's text joined back at the
-- end, so the large grouping never carries text (10 million mentions under a 2 GB memory limit).
CREATE OR REPLACE TABLE set_bounds AS
WITH j AS MATERIALIZED (
  SELECT s.fact_id, s.set_rule, fm.lo, fm.hi, fm.lo_exclusive, fm.hi_exclusive
  FROM mention_sets s JOIN fact_mentions fm USING (fact_id, mention_id)
),
b AS (
  SELECT fact_id, set_rule, max(lo) AS lo, min(hi) AS hi, count(*) AS n_kept
  FROM j
  GROUP BY fact_id, set_rule
),
x AS (
  SELECT b.fact_id, b.set_rule, b.lo, b.hi, b.n_kept,
    coalesce(bool_or(j.lo_exclusive) FILTER (WHERE j.lo = b.lo), false) AS any_lo_exclusive,
    coalesce(bool_or(j.hi_exclusive) FILTER (WHERE j.hi = b.hi), false) AS any_hi_exclusive
  FROM b JOIN j USING (fact_id, set_rule)
  GROUP BY b.fact_id, b.set_rule, b.lo, b.hi, b.n_kept
),
sets AS (
  SELECT fact_id, set_rule, min(set_rank) AS set_rank, bool_or(edges_inclusive) AS edges_inclusive,
         string_agg(DISTINCT why, '; ' ORDER BY why) AS why
  FROM mention_sets
  GROUP BY fact_id, set_rule
)
SELECT sets.fact_id, sets.set_rule, sets.set_rank, sets.edges_inclusive, sets.why, x.lo, x.hi, x.n_kept,
  NOT sets.edges_inclusive AND x.any_lo_exclusive AS lo_exclusive,
  NOT sets.edges_inclusive AND x.any_hi_exclusive AS hi_exclusive
FROM sets JOIN x USING (fact_id, set_rule);
