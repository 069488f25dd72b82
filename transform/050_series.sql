-- Series: one point per (metric, subject, period), each linked to its fact.
-- A point is a fact that is not a target and is stated in its metric's canonical unit (facts.in_series;
-- the canonical unit is chosen in 020_normalise.sql):
-- targets stay facts (is_target = true) but are not series points; a figure stated only in another unit
-- (an unpaired USD amount) stays a fact too — no exchange rate is invented to put it on the series.
-- Conflict facts are points with an empty value and status 'conflict', so the gap is visible.

CREATE OR REPLACE TABLE series AS
SELECT fact_id, metric, subject, period, period_start, period_end, value, unit, lo, hi, status
FROM facts
WHERE in_series;
