-- Invariants of the candidate sets: the query must return no rows.

-- assert: at most one decision chooses within a fact
SELECT fact_id, list(set_rule ORDER BY set_rule) AS decisions FROM mention_sets
WHERE set_rule LIKE 'decision:%' GROUP BY fact_id HAVING count(DISTINCT set_rule) > 1;

-- assert: one row per set (fact_id, set_rule): its rank, edge rule, reasoning and filter
SELECT fact_id, set_rule, count(*) AS n FROM mention_sets GROUP BY fact_id, set_rule HAVING count(*) > 1;
