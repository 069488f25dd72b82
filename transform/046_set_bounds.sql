-- Each set's own intersection; a set settles its fact only if that intersection is not empty.
-- A set is (fact_id, set_rule): all its mentions are intersected together. (R3 keeps every source published on
-- the latest date: each names itself in `why`, and their reasons are joined into the set's one.)
-- A set that keeps all of its fact's mentions ((a), (c) of 045_mention_sets.sql: most of them) has its fact's
-- intersection (fact_groups); only the sets that filter the mentions are intersected here, in one pass over
-- fact_mentions joined to the few sets (edges as in 043_fact_groups.sql: exclusive wins a tie).
CREATE OR REPLACE TABLE set_bounds AS
WITH filtered AS (
  SELECT * FROM mention_sets
  WHERE keeps_mention_id IS NOT NULL OR keeps_kind_rank IS NOT NULL OR keeps_published_on IS NOT NULL
),
filtered_bounds AS (
  SELECT s.fact_no, s.set_rule,
    max(CASE WHEN fm.lo IS NOT NULL THEN {'at': fm.lo, 'excluded': fm.lo_exclusive} END) AS lo_edge,
    min(CASE WHEN fm.hi IS NOT NULL THEN {'at': fm.hi, 'included': NOT fm.hi_exclusive} END) AS hi_edge,
    count(*) AS n_kept
  FROM filtered s
  JOIN fact_mentions fm
    ON fm.fact_no = s.fact_no
   AND in_set(fm.mention_id, fm.kind_rank, fm.published_on, s.keeps_mention_id, s.keeps_kind_rank, s.keeps_published_on)
  GROUP BY s.fact_no, s.set_rule
),
bounds AS (
  SELECT fact_no, set_rule, lo_edge.at AS lo, hi_edge.at AS hi, n_kept,
    coalesce(lo_edge.excluded, false) AS any_lo_exclusive, coalesce(NOT hi_edge.included, false) AS any_hi_exclusive
  FROM filtered_bounds
  UNION ALL
  SELECT s.fact_no, s.set_rule, g.lo, g.hi, g.n_mentions, g.lo_exclusive, g.hi_exclusive
  FROM mention_sets s JOIN fact_groups g USING (fact_no)
  WHERE s.keeps_mention_id IS NULL AND s.keeps_kind_rank IS NULL AND s.keeps_published_on IS NULL
)
SELECT s.fact_id, s.fact_no, s.set_rule, s.set_rank, s.edges_inclusive, s.why,
  s.keeps_mention_id, s.keeps_kind_rank, s.keeps_published_on,
  b.lo, b.hi, b.n_kept,
  NOT s.edges_inclusive AND b.any_lo_exclusive AS lo_exclusive,
  NOT s.edges_inclusive AND b.any_hi_exclusive AS hi_exclusive
FROM mention_sets s JOIN bounds b USING (fact_no, set_rule);
