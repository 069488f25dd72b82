-- Decisions must each hit exactly what they name: a stale or ambiguous decision fails the build.

-- assert: every decision matches a mention (a decision that matches nothing is stale: fix or remove it)
SELECT d.decision_id, d.mention_id, d.source_id, d.exact, d.prefix
FROM stg_decisions d ANTI JOIN decision_matches dm USING (decision_id);

-- assert: a quote-selector decision matches exactly one mention (add a longer prefix to disambiguate)
SELECT d.decision_id, d.source_id, d.exact, d.prefix, count(*) AS n_matches
FROM stg_decisions d JOIN decision_matches dm USING (decision_id)
WHERE d.mention_id IS NULL
GROUP BY ALL HAVING count(*) > 1;

-- assert: a mention is pinned by at most one decision
SELECT mention_id, list(decision_id ORDER BY decision_id) AS decisions
FROM decision_pins GROUP BY mention_id HAVING count(*) > 1;

-- assert: pinning keeps one row per mention
SELECT (SELECT count(*) FROM mentions_read) AS read_rows, (SELECT count(*) FROM stg_mentions) AS staged_rows
WHERE (SELECT count(*) FROM mentions_read) <> (SELECT count(*) FROM stg_mentions);
