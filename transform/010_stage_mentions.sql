-- Staging: renames and casts only, from the raw_* tables that run.ts loads with explicit column types
-- (raw_mentions, raw_sources, raw_metrics from the lexicon, raw_decisions, raw_rules, raw_source_kinds).
-- No rows are added, dropped or re-interpreted here.

-- a view: staging only renames and casts, so nothing is copied (run.ts loads only the columns the models read:
-- no page, suffix, sentence or context)
CREATE OR REPLACE VIEW stg_mentions AS
SELECT
  mention_id,
  source_id,
  quote,
  prefix,                                     -- the text before the quote, for decisions that select by quote
  CAST(value AS DOUBLE)            AS value,
  unit,
  bound,
  CAST(lo AS DOUBLE)               AS lo,     -- NULL = unbounded below
  CAST(hi AS DOUBLE)               AS hi,     -- NULL = unbounded above
  coalesce(lo_exclusive, false)    AS lo_exclusive,
  coalesce(hi_exclusive, false)    AS hi_exclusive,
  metric,
  subject,
  period,
  period_basis,
  coalesce(is_target, false)       AS is_target,
  paired_mention_id
FROM raw_mentions;

CREATE OR REPLACE TABLE stg_sources AS
SELECT
  source_id,
  title,
  publisher,
  TRY_CAST(published AS DATE)      AS published_on,
  status
FROM raw_sources;

CREATE OR REPLACE TABLE stg_metrics AS
SELECT
  id                               AS metric,
  kind                             AS metric_kind,   -- 'stock' | 'flow' | 'ratio'
  coalesce(unit_kinds, [])         AS unit_kinds
FROM raw_metrics;

CREATE OR REPLACE TABLE stg_decisions AS
SELECT
  decision_id,
  decision_order,
  mention_id,
  source_id,
  exact,
  prefix,
  pin_metric,
  pin_subject,
  pin_period,
  coalesce(choose, false)          AS choose,
  reason
FROM raw_decisions;

CREATE OR REPLACE TABLE stg_rules AS
SELECT rule_id, rule_name, CAST(rule_order AS INTEGER) AS rule_order, description
FROM raw_rules;

CREATE OR REPLACE TABLE stg_source_kinds AS
SELECT source_kind, publisher_pattern, CAST(kind_rank AS INTEGER) AS kind_rank
FROM raw_source_kinds;
