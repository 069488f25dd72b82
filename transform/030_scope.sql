-- Scope: when does a figure hold? The metric's kind comes from the lexicon (stg_metrics):
--   stock (a level: number of parks, firms, employees) holds AS OF a date;
--   flow  (an amount over a period: revenue, output, exports) needs a period;
--   ratio (share, growth rate) is treated like a flow: without a period it is not dated.
-- A stock stated with no period is taken as of its source's publication date (period_basis 'publication').
-- Only a stock may take an as-of date: a flow or a ratio (a share, a growth rate) dated only by its source's
-- publication date (the extractor found no period in its sentence) is not guessed: an amount "over the
-- period", or a share of one, needs the period stated, so it is unscoped like one with none.
-- A flow/ratio with no period, a stock whose source has no publication date, and any figure whose metric the
-- lexicon does not type, are 'unscoped': counted, never reconciled into a dated fact.

-- Only the columns the later models read are kept (the quote and the text around it stay in stg_mentions,
-- joined back by id for the few mentions a resolution names). A period's first and last days are worked out
-- once per fact (041_fact_keys.sql), not joined to every mention here: 10,000,000 mentions state a few
-- thousand facts.
CREATE OR REPLACE TABLE mentions_scoped AS
WITH dated AS (
  SELECT
    m.mention_id, m.source_id, m.bound, m.value, m.lo, m.hi, m.lo_exclusive, m.hi_exclusive,
    m.metric, m.subject, m.unit, m.canonical_unit, m.is_target, m.pinned_by, m.alternate_of, m.excluded_reason,
    m.metric_kind,
    CASE
      WHEN m.period IS NOT NULL AND NOT (m.period_basis = 'publication' AND m.metric_kind IS DISTINCT FROM 'stock' AND m.pinned_by IS NULL) THEN m.period
      WHEN m.metric_kind = 'stock' AND s.published_on IS NOT NULL THEN strftime(s.published_on, '%Y-%m-%d')
    END AS period,
    CASE
      WHEN m.period IS NOT NULL AND NOT (m.period_basis = 'publication' AND m.metric_kind IS DISTINCT FROM 'stock' AND m.pinned_by IS NULL) THEN m.period_basis
      WHEN m.metric_kind = 'stock' AND s.published_on IS NOT NULL THEN 'publication'
      ELSE 'none'
    END AS period_basis
  FROM mentions_norm m
  LEFT JOIN stg_sources s USING (source_id)
)
SELECT
  d.* REPLACE (coalesce(d.excluded_reason, CASE WHEN d.period IS NULL THEN 'unscoped' END) AS excluded_reason)
FROM dated d;
