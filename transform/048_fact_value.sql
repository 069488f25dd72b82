-- The value within the settling set: the narrowest finite interval whose value lies in the set's
-- intersection (ties: exact first, then the smaller mention id); else the tightest bound (lower if there is
-- one, else upper), interval left open, from the mention that states it (ties: the narrower, then the smaller
-- id). One pass over the settling sets' mentions; each choice is the min() of a struct ordered as above, so
-- no window sorts the mentions.
CREATE OR REPLACE TABLE fact_value AS
WITH choices AS (
  SELECT st.fact_id, any_value(st.lo) AS set_lo, any_value(st.hi) AS set_hi,
    min({'width': fm.width, 'not_exact': fm.bound <> 'exact', 'mention_id': fm.mention_id, 'value': fm.value, 'bound': fm.bound})
      FILTER (WHERE fm.width IS NOT NULL AND in_closed(fm.value, st.lo, st.hi)) AS precise,
    min({'unbounded': fm.width IS NULL, 'width': coalesce(fm.width, 0), 'mention_id': fm.mention_id, 'bound': fm.bound})
      FILTER (WHERE (st.lo IS NOT NULL AND fm.lo = st.lo) OR (st.lo IS NULL AND st.hi IS NOT NULL AND fm.hi = st.hi)) AS tightest
  FROM fact_settlement st
  -- width: NULL = unbounded = least precise
  JOIN (SELECT *, interval_width(lo, hi) AS width FROM fact_mentions) fm
    ON fm.fact_no = st.fact_no
   AND in_set(fm.mention_id, fm.kind_rank, fm.published_on, st.keeps_mention_id, st.keeps_kind_rank, st.keeps_published_on)
  GROUP BY st.fact_id
)
SELECT fact_id, precise.mention_id AS mention_id, precise.value AS value, 'precise' AS chosen_as, precise.bound AS bound
FROM choices WHERE precise IS NOT NULL
UNION ALL
SELECT fact_id, tightest.mention_id, coalesce(set_lo, set_hi),
  CASE WHEN set_lo IS NOT NULL THEN 'lower_bound' ELSE 'upper_bound' END, tightest.bound
FROM choices WHERE precise IS NULL AND tightest IS NOT NULL;
