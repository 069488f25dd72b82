-- Per fact: whether its mentions' intervals intersect (the status before any rule or decision)
CREATE OR REPLACE TABLE fact_agreement AS
SELECT *,
  CASE
    WHEN interval_empty(lo, hi, lo_exclusive, hi_exclusive) THEN 'conflict'
    WHEN n_mentions = 1 THEN 'single'
    WHEN n_sources >= 2 AND n_publishers >= 2 THEN 'corroborated'
    ELSE 'consistent'
  END AS agreement
FROM fact_groups;
