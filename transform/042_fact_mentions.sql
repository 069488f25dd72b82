-- The mentions taken into reconciliation, with the id of the fact they state
CREATE OR REPLACE TABLE fact_mentions AS
SELECT
  f.fact_id,
  m.mention_id, m.source_id, m.quote, m.bound, m.value, m.lo, m.hi, m.lo_exclusive, m.hi_exclusive,
  interval_width(m.lo, m.hi) AS width,           -- NULL = unbounded = least precise
  m.metric, m.subject, m.period, m.period_start, m.period_end, m.period_basis, m.metric_kind,
  m.unit, m.canonical_unit, m.is_target,
  s.published_on, s.publisher, k.source_kind, k.kind_rank
FROM mentions_scoped m
JOIN fact_keys f USING (metric, subject, period, unit, is_target)
JOIN stg_sources s USING (source_id)
JOIN source_kinds k USING (source_id)
WHERE m.excluded_reason IS NULL;
