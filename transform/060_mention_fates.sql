-- What became of every mention: reconciled into a fact, carried as another currency of a figure, or left
-- out (unattributed: no metric/subject; unscoped: no period and not datable). Feeds the run summary.
-- The reconciled mentions are fact_mentions' rows (049_facts.assert.sql holds that the facts list exactly
-- those, each once), the others are read from mentions_scoped: no join of 10,000,000 ids to the facts' lists.
CREATE OR REPLACE TABLE mention_fates AS
SELECT fm.mention_id, 'reconciled' AS fate, fk.fact_id
FROM fact_mentions fm JOIN fact_keys fk USING (fact_no)
UNION ALL
SELECT m.mention_id, m.excluded_reason, fk.fact_id
FROM mentions_scoped m
-- an alternate currency mention's fact is its primary mention's (the few primaries only, not every mention)
LEFT JOIN (SELECT mention_id, fact_no FROM fact_mentions
           WHERE mention_id IN (SELECT primary_mention_id FROM currency_pairs)) p ON p.mention_id = m.alternate_of
LEFT JOIN fact_keys fk ON fk.fact_no = p.fact_no
WHERE m.excluded_reason IS NOT NULL;
