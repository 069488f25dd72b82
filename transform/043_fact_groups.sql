-- Per fact: the intersection of all its mentions' intervals
CREATE OR REPLACE TABLE fact_groups AS
WITH b AS (
  SELECT fact_id, max(lo) AS lo, min(hi) AS hi,   -- max/min skip NULLs: NULL = unbounded
         count(*) AS n_mentions, count(DISTINCT source_id) AS n_sources,
         count(DISTINCT publisher) AS n_publishers   -- a source without a named publisher proves no independence
  FROM fact_mentions GROUP BY fact_id
)
SELECT
  b.fact_id, b.lo, b.hi,
  coalesce(bool_or(fm.lo_exclusive) FILTER (WHERE fm.lo = b.lo), false) AS lo_exclusive,
  coalesce(bool_or(fm.hi_exclusive) FILTER (WHERE fm.hi = b.hi), false) AS hi_exclusive,
  b.n_mentions, b.n_sources, b.n_publishers
FROM b JOIN fact_mentions fm USING (fact_id)
GROUP BY b.fact_id, b.lo, b.hi, b.n_mentions, b.n_sources, b.n_publishers;
