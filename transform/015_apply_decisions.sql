-- Curated decisions (transform/decisions.yaml) are the exception, each with a reason.
-- Here: find the mention(s) each decision selects, and apply the decisions that pin how a mention is read
-- (metric / subject / period). Decisions that settle a conflict (choose) are used in 045_mention_sets.sql.

-- A decision selects a mention by mention_id, or by a W3C TextQuoteSelector-style quote:
-- same source, quote = exact, and (when given) the text just before the quote ends with `prefix`.
CREATE OR REPLACE TABLE decision_matches AS
SELECT d.decision_id, m.mention_id
FROM stg_decisions d
JOIN stg_mentions m
  ON CASE
       WHEN d.mention_id IS NOT NULL THEN m.mention_id = d.mention_id
       ELSE m.source_id = d.source_id
        AND m.quote = d.exact
        AND (d.prefix IS NULL OR ends_with(m.prefix, d.prefix))
     END;

CREATE OR REPLACE TABLE decision_pins AS
SELECT dm.mention_id, d.decision_id, d.pin_metric, d.pin_subject, d.pin_period
FROM decision_matches dm
JOIN stg_decisions d USING (decision_id)
WHERE d.pin_metric IS NOT NULL OR d.pin_subject IS NOT NULL OR d.pin_period IS NOT NULL;

-- The mentions as they are read from here on: the extractor's reading, unless a decision pins it.
CREATE OR REPLACE VIEW mentions_read AS
SELECT
  m.* REPLACE (
    coalesce(p.pin_metric, m.metric)   AS metric,
    coalesce(p.pin_subject, m.subject) AS subject,
    coalesce(p.pin_period, m.period)   AS period,
    CASE WHEN p.pin_period IS NOT NULL THEN 'stated' ELSE m.period_basis END AS period_basis
  ),
  p.decision_id AS pinned_by
FROM stg_mentions m
LEFT JOIN decision_pins p USING (mention_id);
