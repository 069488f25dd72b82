-- The distinct figures taken into reconciliation, each with the id of the fact it states
-- (the fact id is hashed once per distinct figure, not once per mention). What follows from the key alone —
-- the period's days, the metric's kind and canonical unit — is kept here, once per fact, rather than on each
-- of its mentions (042_fact_mentions.sql holds only what differs from one mention to the next).
-- fact_no numbers the facts for the models' own joins: the tables of 10,000,000 mentions carry a 4-byte
-- integer rather than an 18-character id, and join and group on it (it is never published).
-- The period's first and last days are worked out here, once per fact (000_macros.sql).
CREATE OR REPLACE TABLE fact_keys AS
SELECT *, CAST(row_number() OVER (ORDER BY fact_id) AS INTEGER) AS fact_no
FROM (
  SELECT metric, subject, period, unit, is_target,
    'f_' || left(sha256(metric || '|' || subject || '|' || period || '|' || unit
                        || CASE WHEN is_target THEN '|target' ELSE '' END), 16) AS fact_id,
    period_start(period) AS period_start, period_end(period) AS period_end, metric_kind, canonical_unit
  FROM (
    SELECT DISTINCT metric, subject, period, unit, is_target, metric_kind, canonical_unit
    FROM mentions_scoped WHERE excluded_reason IS NULL
  )
);
