-- Invariants of the staged inputs: each query lists offending rows and must return none.

-- assert: mention_id is unique
SELECT mention_id, count(*) AS n FROM stg_mentions GROUP BY mention_id HAVING count(*) > 1;

-- assert: every mention comes from a listed source
SELECT m.mention_id, m.source_id FROM stg_mentions m ANTI JOIN stg_sources s USING (source_id);

-- assert: a bounded interval is not upside down (lo <= hi)
SELECT mention_id, lo, hi FROM stg_mentions WHERE lo IS NOT NULL AND hi IS NOT NULL AND lo > hi;

-- assert: a mention's value lies in its own interval (edges included)
SELECT mention_id, value, lo, hi FROM stg_mentions WHERE NOT in_closed(value, lo, hi);

-- assert: bound is one of exact | lower | upper | approx
SELECT mention_id, bound FROM stg_mentions WHERE bound NOT IN ('exact', 'lower', 'upper', 'approx');

-- assert: metric kinds are stock | flow | ratio
SELECT metric, metric_kind FROM stg_metrics WHERE metric_kind NOT IN ('stock', 'flow', 'ratio');

-- assert: a source's published date, when given, is a valid YYYY-MM-DD date
SELECT s.source_id, r.published FROM raw_sources r JOIN stg_sources s USING (source_id)
WHERE r.published IS NOT NULL AND s.published_on IS NULL;
