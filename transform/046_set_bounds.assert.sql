-- Invariants of the sets' bounds: the query must return no rows.

-- assert: one row per set: a set's rank, edge rule and reasoning are one per (fact_id, set_rule)
SELECT fact_id, set_rule, count(*) AS n FROM set_bounds GROUP BY fact_id, set_rule HAVING count(*) > 1;
