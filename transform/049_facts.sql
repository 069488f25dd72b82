-- The facts, with the reason for their status and value in words
-- At 10,000,000 mentions only the ordered ids and the period basis pass over every mention (per_fact).
-- The reasoning names at most 12 mentions per fact: their ids are the 12 smallest (a top-n aggregate, not a
-- sort of every mention), and only those are joined back to their quotes in stg_mentions.
CREATE OR REPLACE TABLE facts AS
WITH per_fact AS (
  SELECT fm.fact_id,
    any_value(f.metric) AS metric, any_value(f.subject) AS subject, any_value(f.period) AS period,
    any_value(f.period_start) AS period_start, any_value(f.period_end) AS period_end,
    any_value(f.unit) AS unit, any_value(f.canonical_unit) AS canonical_unit,
    any_value(f.metric_kind) AS metric_kind, any_value(f.is_target) AS is_target,
    -- 'publication' only when every mention was dated by its source's publication date
    CASE WHEN bool_and(fm.period_basis = 'publication') THEN 'publication'
         WHEN bool_or(fm.period_basis = 'stated') THEN 'stated' ELSE min(fm.period_basis) END AS period_basis,
    -- one space-separated string per fact while the joins below carry it, split into the list at the end: a
    -- list of 10,000,000 ids carried through them needs several times DuckDB's 2 GB (ids have no spaces)
    string_agg(fm.mention_id, ' ' ORDER BY fm.mention_id) AS mention_ids_text
  FROM fact_mentions fm JOIN fact_keys f USING (fact_id)
  GROUP BY fm.fact_id
),
-- the reasoning names the mentions one by one, up to 12 of them (a figure stated hundreds of times would
-- otherwise carry a resolution text of hundreds of kilobytes); mention_ids always lists them all
described AS (
  SELECT fm.fact_id,
    string_agg(fmt_mention(q.quote, fm.bound, fm.value, fm.lo, fm.hi, fm.lo_exclusive, fm.hi_exclusive, fm.source_id), '; ' ORDER BY fm.mention_id)
      AS described_first,
    CASE WHEN any_value(first12.n) > 12 THEN '; and ' || (any_value(first12.n) - 12) || ' more' ELSE '' END AS more_text
  FROM (SELECT fact_id, count(*) AS n, unnest(min(mention_id, 12)) AS mention_id FROM fact_mentions GROUP BY fact_id) first12
  JOIN fact_mentions fm USING (fact_id, mention_id)
  JOIN stg_mentions q USING (mention_id)
  GROUP BY fm.fact_id
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
-- the chosen mention's bound and quote (inner joins from the one row per fact: a LEFT JOIN to stg_mentions
-- would hash all of its 10,000,000 rows)
chosen AS (
  SELECT v.fact_id, fm.bound, q.quote
  FROM fact_value v
  JOIN fact_mentions fm ON fm.fact_id = v.fact_id AND fm.mention_id = v.mention_id
  JOIN stg_mentions q ON q.mention_id = v.mention_id
),
-- only settled conflicts name the mentions they kept (up to 12, then a count)
kept_sets AS (
  SELECT s.fact_id, s.mention_id
  FROM fact_settlement st
  JOIN fact_agreement g ON g.fact_id = st.fact_id AND g.agreement = 'conflict'
  JOIN mention_sets s ON s.fact_id = st.fact_id AND s.set_rule = st.set_rule
),
kept AS (
  SELECT first12.fact_id,
    string_agg('''' || q.quote || '''', ', ' ORDER BY first12.mention_id)
      || CASE WHEN any_value(first12.n) > 12 THEN ' and ' || (any_value(first12.n) - 12) || ' more' ELSE '' END AS kept_quotes
  FROM (SELECT fact_id, count(*) AS n, unnest(min(mention_id, 12)) AS mention_id FROM kept_sets GROUP BY fact_id) first12
  JOIN stg_mentions q USING (mention_id)
  GROUP BY first12.fact_id
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
  string_split(p.mention_ids_text, ' ') AS mention_ids,
  coalesce(a.alt_mention_ids, CAST([] AS VARCHAR[])) AS alt_mention_ids,
  v.mention_id AS chosen_mention_id,
  st.set_rule AS rule,
  CASE WHEN p.is_target THEN 'target: ' ELSE '' END
  || CASE
    WHEN g.agreement = 'single' THEN '1 mention: ' || d.described_first
    WHEN g.agreement = 'corroborated' THEN g.n_mentions || ' mentions agree: ' || d.described_first || d.more_text
      || '; intersection ' || fmt_interval(g.lo, g.hi, g.lo_exclusive, g.hi_exclusive)
    WHEN g.agreement = 'consistent' THEN g.n_mentions || ' mentions agree, '
      || CASE WHEN g.n_sources = 1 THEN 'all in one source' ELSE 'but no two of their sources have different named publishers' END
      || ' (consistent, not independently corroborated): ' || d.described_first || d.more_text
      || '; intersection ' || fmt_interval(g.lo, g.hi, g.lo_exclusive, g.hi_exclusive)
    ELSE g.n_mentions || ' mentions disagree: ' || d.described_first || d.more_text || '; their intervals do not intersect'
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
LEFT JOIN fact_settlement st USING (fact_id)
LEFT JOIN fact_value v USING (fact_id)
LEFT JOIN chosen cm USING (fact_id)
LEFT JOIN alternates a USING (fact_id)
LEFT JOIN kept k USING (fact_id);
