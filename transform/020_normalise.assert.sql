-- assert: a USD mention is the alternate of at most one CNY mention
SELECT alt_mention_id, list(primary_mention_id ORDER BY primary_mention_id) AS primaries
FROM currency_pairs GROUP BY alt_mention_id HAVING count(*) > 1;

-- assert: a mention that carries alternates is not itself an alternate
SELECT p.primary_mention_id FROM currency_pairs p JOIN currency_pairs a ON a.alt_mention_id = p.primary_mention_id;

-- assert: one canonical unit per metric
SELECT metric, count(*) AS n FROM metric_units GROUP BY metric HAVING count(*) > 1;

-- assert: normalising keeps one row per mention
SELECT (SELECT count(*) FROM mentions_norm) AS norm_rows, (SELECT count(*) FROM mentions_read) AS read_rows
WHERE (SELECT count(*) FROM mentions_norm) <> (SELECT count(*) FROM mentions_read);
