-- The set that settles each fact: the first (by rank) whose intersection is not empty
CREATE OR REPLACE TABLE fact_settlement AS
SELECT * FROM set_bounds
WHERE NOT interval_empty(lo, hi, lo_exclusive, hi_exclusive)
QUALIFY row_number() OVER (PARTITION BY fact_id ORDER BY set_rank, set_rule) = 1;
