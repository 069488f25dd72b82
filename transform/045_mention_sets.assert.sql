-- Invariants of the candidate sets: the query must return no rows.

-- assert: at most one decision chooses within a fact
SELECT fact_id, list(set_rule ORDER BY set_rule) AS decisions FROM mention_sets
WHERE set_rule LIKE 'decision:%' GROUP BY fact_id HAVING count(DISTINCT set_rule) > 1;
