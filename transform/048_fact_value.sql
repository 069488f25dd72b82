-- The value within the settling set: the narrowest finite interval whose value lies in the set's
-- intersection; else the tightest bound (lower if there is one, else upper), interval left open
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
