-- The facts, with the reason for their status and value in words
CREATE OR REPLACE TABLE facts AS
WITH per_fact AS (
  SELECT fact_id,
    any_value(metric) AS metric, any_value(subject) AS subject, any_value(period) AS period,
    any_value(period_start) AS period_start, any_value(period_end) AS period_end,
    any_value(unit) AS unit, any_value(canonical_unit) AS canonical_unit,
    any_value(metric_kind) AS metric_kind, any_value(is_target) AS is_target,
    -- 'publication' only when every mention was dated by its source's publication date
    CASE WHEN bool_and(period_basis = 'publication') THEN 'publication'
         WHEN bool_or(period_basis = 'stated') THEN 'stated' ELSE min(period_basis) END AS period_basis,
    list(mention_id ORDER BY mention_id) AS mention_ids
  FROM fact_mentions GROUP BY fact_id
),
-- the reasoning names the mentions one by one, up to 12 of them (a figure stated hundreds of times would
-- otherwise carry a resolution text of hundreds of kilobytes); mention_ids always lists them all
described AS (
  SELECT fact_id,
    string_agg(fmt_mention(quote, bound, value, lo, hi, lo_exclusive, hi_exclusive, source_id), '; ' ORDER BY mention_id)
      AS described_first
  FROM (SELECT *, row_number() OVER (PARTITION BY fact_id ORDER BY mention_id) AS rn FROM fact_mentions)
  WHERE rn <= 12
  GROUP BY fact_id
),
alternates AS (
  SELECT fm.fact_id, list(cp.alt_mention_id ORDER BY cp.alt_mention_id) AS alt_mention_ids,
         string_agg('''' || alt.quote || ''' (' || alt.unit || ' ' || fmt_num(alt.value) || ')', ', '
                    ORDER BY cp.alt_mention_id) AS described_alts
  FROM currency_pairs cp
  JOIN fact_mentions fm ON fm.mention_id = cp.primary_mention_id
  JOIN stg_mentions alt ON alt.mention_id = cp.alt_mention_id
  GROUP BY fm.fact_id
),
kept AS (
  -- only settled conflicts name the mentions they kept (up to 12, then a count)
  SELECT fact_id,
    string_agg('''' || quote || '''', ', ' ORDER BY mention_id) FILTER (WHERE rn <= 12)
      || CASE WHEN count(*) > 12 THEN ' and ' || (count(*) - 12) || ' more' ELSE '' END AS kept_quotes
  FROM (
    SELECT s.fact_id, fm.mention_id, fm.quote, row_number() OVER (PARTITION BY s.fact_id ORDER BY fm.mention_id) AS rn
    FROM fact_settlement st
    JOIN fact_agreement g ON g.fact_id = st.fact_id AND g.agreement = 'conflict'
    JOIN mention_sets s ON s.fact_id = st.fact_id AND s.set_rule = st.set_rule
    JOIN fact_mentions fm ON fm.fact_id = s.fact_id AND fm.mention_id = s.mention_id
  )
  GROUP BY fact_id
)
SELECT
  p.fact_id, p.metric, p.subject, p.period, p.period_start, p.period_end, p.period_basis, p.metric_kind,
  v.value, p.unit, p.canonical_unit,
  st.lo, st.hi,
  coalesce(st.lo_exclusive, false) AS lo_exclusive,
  coalesce(st.hi_exclusive, false) AS hi_exclusive,
  CASE
    WHEN g.agreement <> 'conflict' THEN g.agreement
    WHEN st.fact_id IS NOT NULL THEN 'resolved'
    ELSE 'conflict'
  END AS status,
  CAST(g.n_mentions AS INTEGER) AS n_mentions,
  CAST(g.n_sources AS INTEGER) AS n_sources,
  p.mention_ids,
  coalesce(a.alt_mention_ids, CAST([] AS VARCHAR[])) AS alt_mention_ids,
  v.mention_id AS chosen_mention_id,
  st.set_rule AS rule,
  CASE WHEN p.is_target THEN 'target: ' ELSE '' END
  || CASE
    WHEN g.agreement = 'single' THEN '1 mention: ' || d.described_first
    WHEN g.agreement = 'corroborated' THEN g.n_mentions || ' mentions agree: ' || d.described_first || more.text
      || '; intersection ' || fmt_interval(g.lo, g.hi, g.lo_exclusive, g.hi_exclusive)
    WHEN g.agreement = 'consistent' THEN g.n_mentions || ' mentions agree, '
      || CASE WHEN g.n_sources = 1 THEN 'all in one source' ELSE 'but no two of their sources have different named publishers' END
      || ' (consistent, not independently corroborated): ' || d.described_first || more.text
      || '; intersection ' || fmt_interval(g.lo, g.hi, g.lo_exclusive, g.hi_exclusive)
    ELSE g.n_mentions || ' mentions disagree: ' || d.described_first || more.text || '; their intervals do not intersect'
  END
  || CASE
    WHEN st.fact_id IS NULL THEN '; no curated decision or rule settles it; value left empty'
    WHEN g.agreement = 'conflict' THEN '; ' || st.why || '; kept ' || k.kept_quotes
      || ', intersection ' || fmt_interval(st.lo, st.hi, st.lo_exclusive, st.hi_exclusive)
    ELSE ''
  END
  || CASE
    WHEN v.chosen_as IS NULL THEN ''
    WHEN v.chosen_as = 'precise' AND st.n_kept = 1 THEN '; value = ' || fmt_num(v.value) || ' (' || cm.bound || ')'
    WHEN v.chosen_as = 'precise' THEN '; value = ' || fmt_num(v.value) || ' (' || cm.bound
      || ', the most precise mention inside the intersection: ''' || cm.quote || ''')'
    WHEN v.chosen_as = 'lower_bound' THEN '; value = ' || fmt_num(v.value) || ' (lower bound, no mention more precise)'
    ELSE '; value = ' || fmt_num(v.value) || ' (upper bound, no mention more precise)'
  END
  || CASE WHEN a.described_alts IS NULL THEN ''
    ELSE '; also stated in another currency as ' || a.described_alts || ' (linked, not converted)'
  END AS resolution,
  p.is_target,
  -- a point of the series (050_series.sql): achieved, not a target, and stated in its metric's canonical unit
  (NOT p.is_target AND p.unit = p.canonical_unit) AS in_series
FROM per_fact p
JOIN described d USING (fact_id)
JOIN fact_agreement g USING (fact_id)
CROSS JOIN LATERAL (SELECT CASE WHEN g.n_mentions > 12 THEN '; and ' || (g.n_mentions - 12) || ' more' ELSE '' END AS text) more
LEFT JOIN fact_settlement st USING (fact_id)
LEFT JOIN fact_value v USING (fact_id)
LEFT JOIN fact_mentions cm ON cm.fact_id = v.fact_id AND cm.mention_id = v.mention_id
LEFT JOIN alternates a USING (fact_id)
LEFT JOIN kept k USING (fact_id);
