-- assert: one row per fact: what is kept beside the key (period days, metric kind, canonical unit) follows from it
SELECT fact_id, count(*) AS n FROM fact_keys GROUP BY fact_id HAVING count(*) > 1;
