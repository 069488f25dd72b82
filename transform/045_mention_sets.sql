-- Candidate sets of agreeing mentions, one per way of settling a fact, tried in rank order.
-- set_rule: the rule id, or 'decision:<id>'; why: in words, for the resolution text.
CREATE OR REPLACE TABLE mention_sets AS
-- (a) mentions that agree: all of them, chosen among by R1
SELECT g.fact_id, r.rule_id AS set_rule, r.rule_order AS set_rank, false AS edges_inclusive,
       CAST(NULL AS VARCHAR) AS why, fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'prefer_precise_inside'
WHERE g.agreement <> 'conflict'
UNION ALL
-- (b) a curated decision choosing one mention of a conflict (tried before any rule)
SELECT fm.fact_id, 'decision:' || d.decision_id, -1, false,
       'curated decision ' || d.decision_id || ' chooses ''' || q.quote || ''' (' || d.reason || ')', fm.mention_id
FROM stg_decisions d
JOIN decision_matches dm ON dm.decision_id = d.decision_id
JOIN fact_mentions fm ON fm.mention_id = dm.mention_id
JOIN stg_mentions q ON q.mention_id = dm.mention_id
JOIN fact_agreement g ON g.fact_id = fm.fact_id
WHERE d.choose AND g.agreement = 'conflict'
UNION ALL
-- (c) R1 prefer_precise_inside on a conflict: intervals that only miss each other at an excluded edge
--     ("over 3 trillion" vs "3 trillion") agree once edges are counted as included
SELECT fm.fact_id, r.rule_id, r.rule_order, true,
       r.rule_id || ' ' || r.rule_name || ': the intervals only miss each other at an excluded edge; '
         || 'counting edges as included they intersect', fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'prefer_precise_inside'
WHERE g.agreement = 'conflict'
UNION ALL
-- (d) R2 prefer_statistical_release: keep the mentions from the most authoritative kind of source
--     present, when the fact's sources are of more than one kind
SELECT fm.fact_id, r.rule_id, r.rule_order, false,
       r.rule_id || ' ' || r.rule_name || ': a ' || fm.source_kind || ' source is preferred over '
         || x.other_kinds, fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN (SELECT fact_id, min(kind_rank) AS best_rank, count(DISTINCT kind_rank) AS n_kinds,
             string_agg(DISTINCT source_kind, ', ' ORDER BY source_kind) AS all_kinds
      FROM fact_mentions GROUP BY fact_id) k USING (fact_id)
JOIN (SELECT fm2.fact_id, string_agg(DISTINCT fm2.source_kind, ', ' ORDER BY fm2.source_kind) AS other_kinds
      FROM fact_mentions fm2
      WHERE fm2.kind_rank > (SELECT min(kind_rank) FROM fact_mentions f3 WHERE f3.fact_id = fm2.fact_id)
      GROUP BY fm2.fact_id) x USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'prefer_statistical_release'
WHERE g.agreement = 'conflict' AND k.n_kinds > 1 AND fm.kind_rank = k.best_rank
UNION ALL
-- (e) R3 latest_publication: keep the mentions from the most recently published source, when every
--     source is dated and they are not all of the same date (a later release revises an earlier one)
SELECT fm.fact_id, r.rule_id, r.rule_order, false,
       r.rule_id || ' ' || r.rule_name || ': ' || fm.source_id || ', published '
         || strftime(fm.published_on, '%Y-%m-%d') || ', is the latest source', fm.mention_id
FROM fact_agreement g
JOIN fact_mentions fm USING (fact_id)
JOIN (SELECT fact_id, max(published_on) AS latest, count(DISTINCT published_on) AS n_dates,
             count(*) FILTER (WHERE published_on IS NULL) AS n_undated
      FROM fact_mentions GROUP BY fact_id) p USING (fact_id)
JOIN stg_rules r ON r.rule_name = 'latest_publication'
WHERE g.agreement = 'conflict' AND p.n_undated = 0 AND p.n_dates > 1 AND fm.published_on = p.latest;
