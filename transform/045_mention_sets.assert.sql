-- Invariants of the candidate sets: the query must return no rows.

-- assert: at most one decision chooses within a fact
SELECT fact_id, list(set_rule ORDER BY set_rule) AS decisions FROM mention_sets
WHERE set_rule LIKE 'decision:%' GROUP BY fact_id HAVING count(DISTINCT set_rule) > 1;

-- assert: a set (fact_id, set_rule) has one rank and one edge rule (only its reasons may differ, per source)
SELECT fact_id, set_rule FROM mention_sets GROUP BY fact_id, set_rule
HAVING count(DISTINCT set_rank) > 1 OR count(DISTINCT edges_inclusive) > 1;
