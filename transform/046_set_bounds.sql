-- Each set's own intersection; a set settles its fact only if that intersection is not empty
CREATE OR REPLACE TABLE set_bounds AS
WITH b AS (
  SELECT s.fact_id, s.set_rule, s.set_rank, s.edges_inclusive, s.why,
         max(fm.lo) AS lo, min(fm.hi) AS hi, count(*) AS n_kept
  FROM mention_sets s JOIN fact_mentions fm USING (fact_id, mention_id)
  GROUP BY ALL
)
SELECT b.*,
  NOT b.edges_inclusive AND coalesce(bool_or(fm.lo_exclusive) FILTER (WHERE fm.lo = b.lo), false) AS lo_exclusive,
  NOT b.edges_inclusive AND coalesce(bool_or(fm.hi_exclusive) FILTER (WHERE fm.hi = b.hi), false) AS hi_exclusive
FROM b
JOIN mention_sets s USING (fact_id, set_rule)
JOIN fact_mentions fm ON fm.fact_id = s.fact_id AND fm.mention_id = s.mention_id
GROUP BY b.fact_id, b.set_rule, b.set_rank, b.edges_inclusive, b.why, b.lo, b.hi, b.n_kept;
