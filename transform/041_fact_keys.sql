-- The distinct figures taken into reconciliation, each with the id of the fact it states
-- (the fact id is hashed once per distinct figure, not once per mention)
CREATE OR REPLACE TABLE fact_keys AS
SELECT metric, subject, period, unit, is_target,
  'f_' || left(sha256(metric || '|' || subject || '|' || period || '|' || unit
                      || CASE WHEN is_target THEN '|target' ELSE '' END), 16) AS fact_id
FROM (SELECT DISTINCT metric, subject, period, unit, is_target FROM mentions_scoped WHERE excluded_reason IS NULL);
