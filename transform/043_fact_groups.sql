-- Per fact, in one pass over its mentions: the intersection of all their intervals, how many mentions,
-- sources and publishers state it, and what the rules of 045_mention_sets.sql ask of its sources (the best
-- kind of source present, the latest publication date).
-- An edge of the intersection is exclusive when a mention that sets it excludes it: the highest lower edge is
-- max({lo, lo_exclusive}) (at equal lo, true sorts above false), the lowest upper edge min({hi, NOT
-- hi_exclusive}); max/min skip the NULLs of unbounded ends. One pass, no join back to the mentions.
CREATE OR REPLACE TABLE fact_groups AS
WITH b AS (
  SELECT fact_no,
    max(CASE WHEN lo IS NOT NULL THEN {'at': lo, 'excluded': lo_exclusive} END) AS lo_edge,
    min(CASE WHEN hi IS NOT NULL THEN {'at': hi, 'included': NOT hi_exclusive} END) AS hi_edge,
    count(*) AS n_mentions, count(DISTINCT source_id) AS n_sources,
    count(DISTINCT publisher_no) AS n_publishers,   -- a source without a named publisher (NULL) proves no independence
    min(kind_rank) AS best_kind_rank, count(DISTINCT kind_rank) AS n_kinds,
    max(published_on) AS latest_published, count(DISTINCT published_on) AS n_dates,
    count(*) FILTER (WHERE published_on IS NULL) AS n_undated
  FROM fact_mentions GROUP BY fact_no
)
SELECT
  k.fact_id, b.fact_no,
  b.lo_edge.at AS lo, b.hi_edge.at AS hi,
  coalesce(b.lo_edge.excluded, false) AS lo_exclusive,
  coalesce(NOT b.hi_edge.included, false) AS hi_exclusive,
  b.n_mentions, b.n_sources, b.n_publishers,
  b.best_kind_rank, b.n_kinds, b.latest_published, b.n_dates, b.n_undated
FROM b JOIN fact_keys k USING (fact_no);
