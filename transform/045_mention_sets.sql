-- Candidate sets of agreeing mentions, one per way of settling a fact, tried in rank order.
-- set_rule: the rule id, or 'decision:<id>'; why: in words, for the resolution text.
-- One row per set, not per mention: a set is the fact's mentions that pass its filter (keeps_mention_id,
-- keeps_kind_rank, keeps_published_on; NULL = no filter on that), read with in_set() by 046 and 048 in one
-- pass over fact_mentions. (At 10,000,000 mentions a row per mention and set was a table of 14,000,000 rows,
-- joined back to fact_mentions twice.)
CREATE OR REPLACE MACRO in_set(mention_id, kind_rank, published_on, keeps_mention_id, keeps_kind_rank, keeps_published_on) AS
  (keeps_mention_id IS NULL OR mention_id = keeps_mention_id)
  AND (keeps_kind_rank IS NULL OR kind_rank = keeps_kind_rank)
  AND (keeps_published_on IS NULL OR published_on = keeps_published_on);

CREATE OR REPLACE TABLE mention_sets AS
WITH conflicts AS (SELECT * FROM fact_agreement WHERE agreement = 'conflict'),
-- the kinds of source each conflicting fact's mentions come from (a handful per fact)
-- (a rank is one kind's: rules.yaml lists each kind once per pattern, and 'other' ranks last)
kinds AS (
  SELECT r.fact_no, r.kind_rank, k.source_kind
  FROM (SELECT DISTINCT fm.fact_no, fm.kind_rank
        FROM fact_mentions fm JOIN conflicts g USING (fact_no)
        WHERE g.n_kinds > 1) r
  JOIN (SELECT DISTINCT kind_rank, source_kind FROM source_kinds) k USING (kind_rank)
),
-- the sources published on the latest date of a conflicting fact whose sources are all dated, on more than one date
latest_sources AS (
  SELECT DISTINCT fm.fact_no, fm.source_id, fm.published_on
  FROM fact_mentions fm JOIN conflicts g USING (fact_no)
  WHERE g.n_undated = 0 AND g.n_dates > 1 AND fm.published_on = g.latest_published
)
-- (a) mentions that agree: all of them, chosen among by R1
SELECT g.fact_no, g.fact_id, r.rule_id AS set_rule, r.rule_order AS set_rank, false AS edges_inclusive,
       CAST(NULL AS VARCHAR) AS why,
       CAST(NULL AS VARCHAR) AS keeps_mention_id, CAST(NULL AS INTEGER) AS keeps_kind_rank, CAST(NULL AS DATE) AS keeps_published_on
FROM fact_agreement g
JOIN stg_rules r ON r.rule_name = 'prefer_precise_inside'
WHERE g.agreement <> 'conflict'
UNION ALL
-- (b) a curated decision choosing one mention of a conflict (tried before any rule)
SELECT fm.fact_no, g.fact_id, 'decision:' || d.decision_id, -1, false,
       'curated decision ' || d.decision_id || ' chooses ''' || q.quote || ''' (' || d.reason || ')',
       fm.mention_id, NULL, NULL
FROM stg_decisions d
JOIN decision_matches dm ON dm.decision_id = d.decision_id
JOIN fact_mentions fm ON fm.mention_id = dm.mention_id
JOIN stg_mentions q ON q.mention_id = dm.mention_id
JOIN conflicts g ON g.fact_no = fm.fact_no
WHERE d.choose
UNION ALL
-- (c) R1 prefer_precise_inside on a conflict: intervals that only miss each other at an excluded edge
--     ("over 3 trillion" vs "3 trillion") agree once edges are counted as included
SELECT g.fact_no, g.fact_id, r.rule_id, r.rule_order, true,
       r.rule_id || ' ' || r.rule_name || ': the intervals only miss each other at an excluded edge; '
         || 'counting edges as included they intersect',
       NULL, NULL, NULL
FROM conflicts g
JOIN stg_rules r ON r.rule_name = 'prefer_precise_inside'
UNION ALL
-- (d) R2 prefer_statistical_release: keep the mentions from the most authoritative kind of source
--     present, when the fact's sources are of more than one kind
SELECT g.fact_no, g.fact_id, r.rule_id, r.rule_order, false, w.why, NULL, g.best_kind_rank, NULL
FROM conflicts g
JOIN stg_rules r ON r.rule_name = 'prefer_statistical_release'
JOIN (
  SELECT b.fact_no, string_agg(DISTINCT b.why, '; ' ORDER BY b.why) AS why
  FROM (
    SELECT b.fact_no, r.rule_id || ' ' || r.rule_name || ': a ' || b.source_kind || ' source is preferred over '
             || o.other_kinds AS why
    FROM kinds b
    JOIN conflicts g USING (fact_no)
    JOIN (SELECT o.fact_no, string_agg(DISTINCT o.source_kind, ', ' ORDER BY o.source_kind) AS other_kinds
          FROM kinds o JOIN conflicts g USING (fact_no)
          WHERE o.kind_rank > g.best_kind_rank
          GROUP BY o.fact_no) o USING (fact_no)
    JOIN stg_rules r ON r.rule_name = 'prefer_statistical_release'
    WHERE b.kind_rank = g.best_kind_rank
  ) b
  GROUP BY b.fact_no
) w USING (fact_no)
WHERE g.n_kinds > 1
UNION ALL
-- (e) R3 latest_publication: keep the mentions from the most recently published source, when every
--     source is dated and they are not all of the same date (a later release revises an earlier one);
--     each source published that day names itself
SELECT g.fact_no, g.fact_id, r.rule_id, r.rule_order, false, w.why, NULL, NULL, g.latest_published
FROM conflicts g
JOIN stg_rules r ON r.rule_name = 'latest_publication'
JOIN (
  SELECT l.fact_no, string_agg(DISTINCT l.why, '; ' ORDER BY l.why) AS why
  FROM (
    SELECT l.fact_no, r.rule_id || ' ' || r.rule_name || ': ' || l.source_id || ', published '
             || strftime(l.published_on, '%Y-%m-%d') || ', is the latest source' AS why
    FROM latest_sources l JOIN stg_rules r ON r.rule_name = 'latest_publication'
  ) l
  GROUP BY l.fact_no
) w USING (fact_no)
WHERE g.n_undated = 0 AND g.n_dates > 1;
