-- What became of every mention: reconciled into a fact, carried as another currency of a figure, or left
-- out (unattributed: no metric/subject; unscoped: no period and not datable). Feeds the run summary.
CREATE OR REPLACE TABLE mention_fates AS
SELECT
  m.mention_id,
  coalesce(m.excluded_reason, 'reconciled') AS fate,
  coalesce(f.fact_id, fa.fact_id) AS fact_id
FROM mentions_scoped m
LEFT JOIN (SELECT fact_id, unnest(mention_ids) AS mention_id FROM facts) f USING (mention_id)
LEFT JOIN (SELECT fact_id, unnest(alt_mention_ids) AS mention_id FROM facts) fa USING (mention_id);
