-- Reconcile: mentions stating the same figure → one fact.
--
-- A figure is identified by (metric, subject, period, unit) — targets ("to reach … by 2020") apart from
-- achieved values. Each mention reads as an interval [lo, hi] (NULL = unbounded; exclusive ends honoured).
-- The fact's status says what the mentions' intervals do together:
--   single        one mention;
--   corroborated  two or more whose intervals have a common part (the intersection), stated by independent
--                 sources: at least two documents whose (named) publishers differ;
--   consistent    two or more that agree like that, but not from independent sources (e.g. one document
--                 stating a figure twice, or two documents of one publisher): agreement, not confirmation;
--   conflict      two or more whose intervals have no common part, and nothing below settles it;
--   resolved      such a conflict, settled by a curated decision (decisions.yaml) or a rule (rules.yaml).
-- The value is chosen from a set of mentions that agree (all of them, unless a rule/decision keeps fewer):
-- the most precise mention (narrowest finite interval) whose value lies inside the set's intersection;
-- if no mention has a finite interval (e.g. only "over 3 trillion"), the tightest bound, interval left open.

-- 1. the source kind of each source, from the publisher patterns in rules.yaml (first listed match wins)
CREATE OR REPLACE TABLE source_kinds AS
SELECT
  s.source_id,
  coalesce(k.source_kind, 'other')   AS source_kind,
  coalesce(k.kind_rank, 1000000)     AS kind_rank      -- lower = preferred by R2
FROM stg_sources s
LEFT JOIN stg_source_kinds k ON regexp_matches(coalesce(s.publisher, ''), k.publisher_pattern, 'i')
QUALIFY row_number() OVER (PARTITION BY s.source_id ORDER BY k.kind_rank NULLS LAST) = 1;

-- 2. the mentions taken into reconciliation, with the id of the fact they state
--    (the fact id is hashed once per distinct figure, not once per mention)
CREATE OR REPLACE TABLE fact_keys AS
SELECT metric, subject, period, unit, is_target,
  'f_' || left(sha256(metric || '|' || subject || '|' || period || '|' || unit
                      || CASE WHEN is_target THEN '|target' ELSE '' END), 16) AS fact_id
FROM (SELECT DISTINCT metric, subject, period, unit, is_target FROM mentions_scoped WHERE excluded_reason IS NULL);

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

-- 3. per fact: the intersection of all its mentions' intervals, and whether it is empty
CREATE OR REPLACE TABLE fact_groups AS
WITH b AS (
  SELECT fact_id, max(lo) AS lo, min(hi) AS hi,   -- max/min skip NULLs: NULL = unbounded
         count(*) AS n_mentions, count(DISTINCT source_id) AS n_sources,
         count(DISTINCT publisher) AS n_publishers   -- a source without a named publisher proves no independence
  FROM fact_mentions GROUP BY fact_id
)
SELECT
  b.fact_id, b.lo, b.hi,
  coalesce(bool_or(fm.lo_exclusive) FILTER (WHERE fm.lo = b.lo), false) AS lo_exclusive,
  coalesce(bool_or(fm.hi_exclusive) FILTER (WHERE fm.hi = b.hi), false) AS hi_exclusive,
  b.n_mentions, b.n_sources, b.n_publishers
FROM b JOIN fact_mentions fm USING (fact_id)
GROUP BY b.fact_id, b.lo, b.hi, b.n_mentions, b.n_sources, b.n_publishers;

CREATE OR REPLACE TABLE fact_agreement AS
SELECT *,
  CASE
    WHEN interval_empty(lo, hi, lo_exclusive, hi_exclusive) THEN 'conflict'
    WHEN n_mentions = 1 THEN 'single'
    WHEN n_sources >= 2 AND n_publishers >= 2 THEN 'corroborated'
    ELSE 'consistent'
  END AS agreement
FROM fact_groups;

-- 4. candidate sets of agreeing mentions, one per way of settling a fact, tried in rank order.
--    set_rule: the rule id, or 'decision:<id>'; why: in words, for the resolution text.
CREATE OR REPLACE TABLE mention_sets AS
-- (a) mentions that agree: all of them, chosen among by R1
SELECT g.fact_id, r.rule_id AS set_rule, r.rule_order AS set_rank, false AS edges_inclusive,
       CAST(NULL AS VARCHAR) AS why, fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'prefer_precise_inside'
WHERE g.agreement <> 'conflict'
UNION ALL
-- (b) a curated decision choosing one mention of a conflict (tried before any rule)
SELECT fm.fact_id, 'decision:' || d.decision_id, -1, false,
       'curated decision ' || d.decision_id || ' chooses ''' || fm.quote || ''' (' || d.reason || ')', fm.mention_id
FROM stg_decisions d
JOIN decision_matches dm ON dm.decision_id = d.decision_id
JOIN fact_mentions fm ON fm.mention_id = dm.mention_id
JOIN fact_agreement g ON g.fact_id = fm.fact_id
WHERE d.choose AND g.agreement = 'conflict'
UNION ALL
-- (c) R1 prefer_precise_inside on a conflict: intervals that only miss each other at an excluded edge
--     ("over 3 trillion" vs "3 trillion") agree once edges are counted as included
SELECT fm.fact_id, r.rule_id, r.rule_order, true,
       r.rule_id || ' ' || r.rule_name || ': the intervals only miss each other at an excluded edge; '
         || 'counting edges as included they intersect', fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'prefer_precise_inside'
WHERE g.agreement = 'conflict'
UNION ALL
-- (d) R2 prefer_statistical_release: keep the mentions from the most authoritative kind of source
--     present, when the fact's sources are of more than one kind
SELECT fm.fact_id, r.rule_id, r.rule_order, false,
       r.rule_id || ' ' || r.rule_name || ': a ' || fm.source_kind || ' source is preferred over '
         || x.other_kinds, fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN (SELECT fact_id, min(kind_rank) AS best_rank, count(DISTINCT kind_rank) AS n_kinds,
             string_agg(DISTINCT source_kind, ', ' ORDER BY source_kind) AS all_kinds
      FROM fact_mentions GROUP BY fact_id) k USING (fact_id)
JOIN (SELECT fm2.fact_id, string_agg(DISTINCT fm2.source_kind, ', ' ORDER BY fm2.source_kind) AS other_kinds
      FROM fact_mentions fm2
      WHERE fm2.kind_rank > (SELECT min(kind_rank) FROM fact_mentions f3 WHERE f3.fact_id = fm2.fact_id)
      GROUP BY fm2.fact_id) x USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'prefer_statistical_release'
WHERE g.agreement = 'conflict' AND k.n_kinds > 1 AND fm.kind_rank = k.best_rank
UNION ALL
-- (e) R3 latest_publication: keep the mentions from the most recently published source, when every
--     source is dated and they are not all of the same date (a later release revises an earlier one)
SELECT fm.fact_id, r.rule_id, r.rule_order, false,
       r.rule_id || ' ' || r.rule_name || ': ' || fm.source_id || ', published '
         || strftime(fm.published_on, '%Y-%m-%d') || ', is the latest source', fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN (SELECT fact_id, max(published_on) AS latest, count(DISTINCT published_on) AS n_dates,
             count(*) FILTER (WHERE published_on IS NULL) AS n_undated
      FROM fact_mentions GROUP BY fact_id) p USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'latest_publication'
WHERE g.agreement = 'conflict' AND p.n_undated = 0 AND p.n_dates > 1 AND fm.published_on = p.latest;

-- 5. each set's own intersection; a set settles its fact only if that intersection is not empty
CREATE OR REPLACE TABLE set_bounds AS
WITH b AS (
  SELECT s.fact_id, s.set_rule, s.set_rank, s.edges_inclusive, s.why,
         max(fm.lo) AS lo, min(fm.hi) AS hi, count(*) AS n_kept
  FROM mention_sets s JOIN fact_mentions fm USING (fact_id, mention_id)
  GROUP BY ALL
)
SELECT b.*,
  NOT b.edges_inclusive AND coalesce(bool_or(fm.lo_exclusive) FILTER (WHERE fm.lo = b.lo), false) AS lo_exclusive,
  NOT b.edges_inclusive AND coalesce(bool_or(fm.hi_exclusive) FILTER (WHERE fm.hi = b.hi), false) AS hi_exclusive
FROM b
JOIN mention_sets s USING (fact_id, set_rule)
JOIN fact_mentions fm ON fm.fact_id = s.fact_id AND fm.mention_id = s.mention_id
GROUP BY b.fact_id, b.set_rule, b.set_rank, b.edges_inclusive, b.why, b.lo, b.hi, b.n_kept;

-- the set that settles each fact: the first (by rank) whose intersection is not empty
CREATE OR REPLACE TABLE fact_settlement AS
SELECT * FROM set_bounds
WHERE NOT interval_empty(lo, hi, lo_exclusive, hi_exclusive)
QUALIFY row_number() OVER (PARTITION BY fact_id ORDER BY set_rank, set_rule) = 1;

-- 6. the value within the settling set: the narrowest finite interval whose value lies in the set's
--    intersection; else the tightest bound (lower if there is one, else upper), interval left open
CREATE OR REPLACE TABLE fact_value AS
WITH precise AS (
  SELECT st.fact_id, fm.mention_id, fm.value, 'precise' AS chosen_as
  FROM fact_settlement st
  JOIN mention_sets s USING (fact_id, set_rule)
  JOIN fact_mentions fm ON fm.fact_id = s.fact_id AND fm.mention_id = s.mention_id
  WHERE fm.width IS NOT NULL AND in_closed(fm.value, st.lo, st.hi)
  QUALIFY row_number() OVER (PARTITION BY st.fact_id
                             ORDER BY fm.width, fm.bound = 'exact' DESC, fm.mention_id) = 1
),
bound AS (
  SELECT st.fact_id, fm.mention_id,
         coalesce(st.lo, st.hi) AS value,
         CASE WHEN st.lo IS NOT NULL THEN 'lower_bound' ELSE 'upper_bound' END AS chosen_as
  FROM fact_settlement st
  JOIN mention_sets s USING (fact_id, set_rule)
  JOIN fact_mentions fm ON fm.fact_id = s.fact_id AND fm.mention_id = s.mention_id
  WHERE (st.lo IS NOT NULL AND fm.lo = st.lo) OR (st.lo IS NULL AND st.hi IS NOT NULL AND fm.hi = st.hi)
  QUALIFY row_number() OVER (PARTITION BY st.fact_id ORDER BY fm.width NULLS LAST, fm.mention_id) = 1
)
SELECT * FROM precise
UNION ALL
SELECT * FROM bound WHERE fact_id NOT IN (SELECT fact_id FROM precise);

-- 7. the facts, with the reason for their status and value in words
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
  p.is_target
FROM per_fact p
JOIN described d USING (fact_id)
JOIN fact_agreement g USING (fact_id)
CROSS JOIN LATERAL (SELECT CASE WHEN g.n_mentions > 12 THEN '; and ' || (g.n_mentions - 12) || ' more' ELSE '' END AS text) more
LEFT JOIN fact_settlement st USING (fact_id)
LEFT JOIN fact_value v USING (fact_id)
LEFT JOIN fact_mentions cm ON cm.fact_id = v.fact_id AND cm.mention_id = v.mention_id
LEFT JOIN alternates a USING (fact_id)
LEFT JOIN kept k USING (fact_id);
