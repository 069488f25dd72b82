-- Normalise. Mention values already are in base units (yuan, not "trillion yuan"); here:
--  1. a figure in another currency stated beside its CNY figure ("27.9 trillion yuan ($4 trillion)", linked by
--     paired_mention_id in either direction) is the SAME figure: the other mention (USD, EUR …) becomes an
--     alternate of the CNY one and is not reconciled on its own. No exchange rate is used or invented.
--     (The grammar pairs only two different currencies, so a paired mention that is not CNY is money.)
--  2. each metric gets one canonical unit: the one its series is published in.
--  3. each mention gets the reason it is left out of reconciliation, if any (excluded_reason).

-- (two equi-joins rather than one join on "a OR b": DuckDB hashes equi-joins, an OR join is a nested loop)
CREATE OR REPLACE TABLE currency_pairs AS
SELECT DISTINCT alt_mention_id, primary_mention_id FROM (
  SELECT other.mention_id AS alt_mention_id, cny.mention_id AS primary_mention_id
  FROM mentions_read other JOIN mentions_read cny ON other.paired_mention_id = cny.mention_id
  WHERE other.unit <> 'CNY' AND cny.unit = 'CNY'
  UNION ALL
  SELECT other.mention_id, cny.mention_id
  FROM mentions_read cny JOIN mentions_read other ON cny.paired_mention_id = other.mention_id
  WHERE other.unit <> 'CNY' AND cny.unit = 'CNY'
);

-- canonical unit of a metric: the first unit the lexicon lists for it (a class 'currency' means CNY);
-- for a metric the lexicon does not type, the unit most of its mentions use (ties: alphabetical).
CREATE OR REPLACE TABLE metric_units AS
WITH from_lexicon AS (
  SELECT metric, list_filter(
           list_transform(unit_kinds, k -> CASE
             WHEN k IN ('CNY', 'USD', 'percent', 'count', 'persons', 'km2', 'times', 'per_10k') THEN k
             WHEN k IN ('currency', 'money') THEN 'CNY'
           END),
           u -> u IS NOT NULL)[1] AS unit
  FROM stg_metrics
),
from_mentions AS (
  SELECT metric, unit
  FROM mentions_read
  WHERE metric IS NOT NULL AND mention_id NOT IN (SELECT alt_mention_id FROM currency_pairs)
  GROUP BY metric, unit
  QUALIFY row_number() OVER (PARTITION BY metric ORDER BY count(*) DESC, unit) = 1
)
-- with the metric's kind (030_scope.sql): one join of every mention to its metric, not two
SELECT metric, coalesce(l.unit, m.unit) AS canonical_unit, k.metric_kind
FROM (SELECT metric FROM from_lexicon UNION SELECT metric FROM from_mentions) AS all_metrics
LEFT JOIN from_lexicon l USING (metric)
LEFT JOIN from_mentions m USING (metric)
LEFT JOIN stg_metrics k USING (metric);

CREATE OR REPLACE VIEW mentions_norm AS
SELECT
  m.*,
  -- currency units are their ISO 4217 codes (extract/records.ts CURRENCY_UNITS), the only upper-case unit ids
  CASE WHEN regexp_full_match(m.unit, '[A-Z]{3}') THEN 'currency' ELSE m.unit END AS unit_class,
  mu.canonical_unit,
  mu.metric_kind,                                                      -- NULL: a metric the lexicon does not type
  cp.primary_mention_id AS alternate_of,
  CASE
    WHEN cp.primary_mention_id IS NOT NULL THEN 'alternate_currency'   -- carried by its CNY mention
    WHEN m.metric IS NULL OR m.subject IS NULL THEN 'unattributed'     -- no metric/subject: counted only
  END AS excluded_reason
FROM mentions_read m
LEFT JOIN currency_pairs cp ON cp.alt_mention_id = m.mention_id
LEFT JOIN metric_units mu USING (metric);
