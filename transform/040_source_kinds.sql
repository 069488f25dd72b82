-- Reconcile (models 040–049, one table each): mentions stating the same figure → one fact.
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

-- This model: the source kind of each source, from the publisher patterns in rules.yaml (first listed match wins),
-- and what else the models read of a source per mention (its publication date, its publisher as a number), so
-- that 042_fact_mentions.sql joins each mention to one table of its source, and 043_fact_groups.sql counts a
-- fact's publishers without joining every mention to its source again.
-- Matched once per distinct publisher: a pattern that is a column is compiled for each row it is matched
-- against (20,000 sources of 2 publishers took seconds; their 2 publishers take milliseconds).
CREATE OR REPLACE TABLE source_kinds AS
WITH publisher_kinds AS (
  SELECT p.publisher, k.source_kind, k.kind_rank
  FROM (SELECT DISTINCT publisher FROM stg_sources) p
  JOIN stg_source_kinds k ON regexp_matches(coalesce(p.publisher, ''), k.publisher_pattern, 'i')
  QUALIFY row_number() OVER (PARTITION BY p.publisher ORDER BY k.kind_rank) = 1
)
SELECT
  s.source_id,
  coalesce(k.source_kind, 'other')   AS source_kind,
  coalesce(k.kind_rank, 1000000)     AS kind_rank,     -- lower = preferred by R2
  s.published_on,
  -- one number per named publisher (NULL: none named, which proves no independence); never published
  CASE WHEN s.publisher IS NOT NULL THEN CAST(dense_rank() OVER (ORDER BY s.publisher) AS INTEGER) END AS publisher_no
FROM stg_sources s
LEFT JOIN publisher_kinds k ON k.publisher IS NOT DISTINCT FROM s.publisher;
