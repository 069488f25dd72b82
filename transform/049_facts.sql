-- The facts, with the reason for their status and value in words.
-- At 10,000,000 mentions one pass goes over every mention (per_fact, grouped by the fact's number; its key
-- and attributes are joined after): the ordered ids, the period basis, and the few mentions the reasoning
-- names. The reasoning names at most 12 mentions per fact: the 12 smallest ids (a top-n aggregate, not a sort
-- of every mention), and only those, the kept ones and the chosen one are looked up for their quotes.
CREATE OR REPLACE TABLE facts AS
-- the settled conflicts' sets: a resolution names the mentions they kept
WITH kept_sets AS (
  SELECT st.fact_no, st.keeps_mention_id, st.keeps_kind_rank, st.keeps_published_on
  FROM fact_settlement st JOIN fact_agreement g USING (fact_no)
  WHERE g.agreement = 'conflict'
),
per_fact AS (
  SELECT fm.fact_no,
    -- 'publication' only when every mention was dated by its source's publication date
    CASE WHEN bool_and(fm.period_basis = 'publication') THEN 'publication'
         WHEN bool_or(fm.period_basis = 'stated') THEN 'stated' ELSE min(fm.period_basis) END AS period_basis,
    -- one space-separated string per fact while the joins below carry it, split into the list at the end: a
    -- list of 10,000,000 ids carried through them needs several times DuckDB's 2 GB (ids have no spaces)
    string_agg(fm.mention_id, ' ' ORDER BY fm.mention_id) AS mention_ids_text,
    -- the reasoning names the mentions one by one, up to 12 of them (a figure stated hundreds of times would
    -- otherwise carry a resolution text of hundreds of kilobytes); mention_ids always lists them all
    min({'mention_id': fm.mention_id, 'bound': fm.bound, 'value': fm.value, 'lo': fm.lo, 'hi': fm.hi,
         'lo_exclusive': fm.lo_exclusive, 'hi_exclusive': fm.hi_exclusive, 'source_id': fm.source_id}, 12) AS first12
  FROM fact_mentions fm
  GROUP BY fm.fact_no
),
-- only settled conflicts name the mentions they kept (up to 12; how many there are is the set's n_kept): an inner
-- join, so that only those mentions are aggregated (a left join carried every mention through one more aggregate)
kept_first AS (
  SELECT fm.fact_no, min(fm.mention_id, 12) AS kept12
  FROM fact_mentions fm
  JOIN kept_sets ks
    ON ks.fact_no = fm.fact_no
   AND in_set(fm.mention_id, fm.kind_rank, fm.published_on, ks.keeps_mention_id, ks.keeps_kind_rank, ks.keeps_published_on)
  GROUP BY fm.fact_no
),
-- the quotes of the few mentions a resolution names, in one lookup (a LEFT JOIN to stg_mentions would hash
-- all of its 10,000,000 rows)
named AS (
  SELECT unnest(first12).mention_id AS mention_id FROM per_fact
  UNION SELECT unnest(kept12) FROM kept_first
  UNION SELECT mention_id FROM fact_value
),
quotes AS MATERIALIZED (
  SELECT q.mention_id, q.quote FROM stg_mentions q SEMI JOIN named USING (mention_id)
),
described AS (
  SELECT p.fact_no,
    string_agg(fmt_mention(q.quote, u.m.bound, u.m.value, u.m.lo, u.m.hi, u.m.lo_exclusive, u.m.hi_exclusive, u.m.source_id),
               '; ' ORDER BY u.m.mention_id) AS described_first
  FROM per_fact p, unnest(p.first12) AS u(m)
  JOIN quotes q ON q.mention_id = u.m.mention_id
  GROUP BY p.fact_no
),
kept AS (
  SELECT p.fact_no, string_agg('''' || q.quote || '''', ', ' ORDER BY k.mention_id) AS kept_quotes
  FROM kept_first p, unnest(p.kept12) AS k(mention_id)
  JOIN quotes q ON q.mention_id = k.mention_id
  GROUP BY p.fact_no
),
alternates AS (
  SELECT fm.fact_no, list(cp.alt_mention_id ORDER BY cp.alt_mention_id) AS alt_mention_ids,
         string_agg('''' || alt.quote || ''' (' || alt.unit || ' ' || fmt_num(alt.value) || ')', ', '
                    ORDER BY cp.alt_mention_id) AS described_alts
  FROM currency_pairs cp
  JOIN fact_mentions fm ON fm.mention_id = cp.primary_mention_id
  JOIN stg_mentions alt ON alt.mention_id = cp.alt_mention_id
  GROUP BY fm.fact_no
),
-- the chosen mention (048_fact_value.sql), with its quote
chosen AS (
  SELECT v.*, q.quote FROM fact_value v JOIN quotes q USING (mention_id)
)
SELECT
  fk.fact_id, fk.metric, fk.subject, fk.period, fk.period_start, fk.period_end, p.period_basis, fk.metric_kind,
  v.value, fk.unit, fk.canonical_unit,
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
  CASE WHEN fk.is_target THEN 'target: ' ELSE '' END
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
      || CASE WHEN st.n_kept > 12 THEN ' and ' || (st.n_kept - 12) || ' more' ELSE '' END
      || ', intersection ' || fmt_interval(st.lo, st.hi, st.lo_exclusive, st.hi_exclusive)
    ELSE ''
  END
  || CASE
    WHEN v.chosen_as IS NULL THEN ''
    WHEN v.chosen_as = 'precise' AND st.n_kept = 1 THEN '; value = ' || fmt_num(v.value) || ' (' || v.bound || ')'
    WHEN v.chosen_as = 'precise' THEN '; value = ' || fmt_num(v.value) || ' (' || v.bound
      || ', the most precise mention inside the intersection: ''' || v.quote || ''')'
    WHEN v.chosen_as = 'lower_bound' THEN '; value = ' || fmt_num(v.value) || ' (lower bound, no mention more precise)'
    ELSE '; value = ' || fmt_num(v.value) || ' (upper bound, no mention more precise)'
  END
  || CASE WHEN a.described_alts IS NULL THEN ''
    ELSE '; also stated in another currency as ' || a.described_alts || ' (linked, not converted)'
  END AS resolution,
  fk.is_target,
  -- a point of the series (050_series.sql): achieved, not a target, and stated in its metric's canonical unit
  (NOT fk.is_target AND fk.unit = fk.canonical_unit) AS in_series
FROM per_fact p
JOIN fact_keys fk USING (fact_no)
JOIN described d USING (fact_no)
JOIN fact_agreement g USING (fact_no)
-- the mentions the reasoning does not name one by one
CROSS JOIN LATERAL (SELECT CASE WHEN g.n_mentions > 12 THEN '; and ' || (g.n_mentions - 12) || ' more' ELSE '' END AS text) more
LEFT JOIN fact_settlement st USING (fact_no)
LEFT JOIN chosen v ON v.fact_id = fk.fact_id
LEFT JOIN alternates a USING (fact_no)
LEFT JOIN kept k USING (fact_no);
