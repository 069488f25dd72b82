-- assert: one series point per (metric, subject, period)
SELECT metric, subject, period, count(*) AS n FROM series GROUP BY ALL HAVING count(*) > 1;

-- assert: every point links to a fact with the same value
SELECT s.fact_id FROM series s LEFT JOIN facts f USING (fact_id)
WHERE f.fact_id IS NULL OR s.value IS DISTINCT FROM f.value OR f.is_target;
