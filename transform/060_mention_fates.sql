-- What became of every mention: reconciled into a fact, carried as another currency of a figure, or left
-- out (unattributed: no metric/subject; unscoped: no period and not datable). Feeds the run summary.
-- The reconciled mentions are fact_mentions' rows (049_facts.assert.sql holds that the facts list exactly
-- those, each once), the others are read from mentions_scoped: no join of 10,000,000 ids to the facts' lists.
-- Only the fate is read (the run summary's counts); which fact a mention went to is the facts' own lists.
-- A view: read twice (its invariant, the summary's counts), it costs two scans of narrow columns, where a table
-- of 10,000,000 ids was written once to be counted.
CREATE OR REPLACE VIEW mention_fates AS
SELECT mention_id, 'reconciled' AS fate FROM fact_mentions
UNION ALL
SELECT mention_id, excluded_reason FROM mentions_scoped
WHERE excluded_reason IS NOT NULL;
