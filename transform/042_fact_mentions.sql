-- The mentions taken into reconciliation, with the number of the fact they state (fact_keys.fact_no): only
-- what differs from one mention of a fact to the next (the fact's own attributes are in fact_keys; the quote
-- is joined back from stg_mentions by 049_facts.sql for the few mentions a resolution names), so that the
-- table stays narrow at 10,000,000 mentions. Of its source, only what the models filter on or count per mention
-- (the publication date, the kind's rank, the publisher's number: 040_source_kinds.sql); the kind's name is
-- joined where it is read.
CREATE OR REPLACE TABLE fact_mentions AS
SELECT
  f.fact_no,
  m.mention_id, m.source_id, m.bound, m.value, m.lo, m.hi, m.lo_exclusive, m.hi_exclusive,
  m.period_basis,
  k.published_on, k.kind_rank, k.publisher_no
FROM mentions_scoped m
JOIN fact_keys f USING (metric, subject, period, unit, is_target)
JOIN source_kinds k USING (source_id)
WHERE m.excluded_reason IS NULL;
