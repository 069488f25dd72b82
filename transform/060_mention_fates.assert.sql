-- assert: one fate per mention, for every mention
SELECT (SELECT count(*) FROM mention_fates) AS fates, (SELECT count(*) FROM stg_mentions) AS mentions
WHERE (SELECT count(*) FROM mention_fates) <> (SELECT count(*) FROM stg_mentions)
   OR (SELECT count(DISTINCT mention_id) FROM mention_fates) <> (SELECT count(*) FROM stg_mentions);
