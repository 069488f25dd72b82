-- assert: one fate per mention, for every mention
-- (mention ids are unique (010_stage_mentions.assert.sql): the fates name each mention exactly once when they
-- name as many ids as there are mentions with the same sum of the ids' 64-bit hashes: two passes, where a
-- count of distinct ids hashed all 10,000,000 of them; a wrong multiset of ids passes only with a colliding
-- sum, about one chance in 2^64)
WITH fates AS (SELECT count(*) AS n, sum(CAST(hash(mention_id) AS HUGEINT)) AS h FROM mention_fates),
mentions AS (SELECT count(*) AS n, sum(CAST(hash(mention_id) AS HUGEINT)) AS h FROM stg_mentions)
SELECT f.n AS fates, m.n AS mentions FROM fates f, mentions m
WHERE f.n <> m.n OR f.h IS DISTINCT FROM m.h;
