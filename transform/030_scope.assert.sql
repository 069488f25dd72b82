-- assert: scoping keeps one row per mention
-- (counted against the staged mentions, not the view of joins they go through: a join that doubled a row would
-- double it in both, and counting that view ran its joins again over every mention)
SELECT (SELECT count(*) FROM mentions_scoped) AS scoped_rows, (SELECT count(*) FROM stg_mentions) AS mentions
WHERE (SELECT count(*) FROM mentions_scoped) <> (SELECT count(*) FROM stg_mentions);

-- assert: a mention kept for reconciliation has a metric, a subject and a period
SELECT mention_id, metric, subject, period FROM mentions_scoped
WHERE excluded_reason IS NULL AND (metric IS NULL OR subject IS NULL OR period IS NULL);

-- assert: only stocks are dated by their publication date (a flow or a ratio kept for reconciliation has its
-- period stated; a decision may pin one)
SELECT mention_id, metric, metric_kind, period FROM mentions_scoped
WHERE excluded_reason IS NULL AND period_basis = 'publication' AND metric_kind IS DISTINCT FROM 'stock' AND pinned_by IS NULL;

-- assert: every period kept for reconciliation parses to dates, start <= end
-- (per distinct period: the mentions that state one are found by it)
SELECT period, period_start(period) AS period_start, period_end(period) AS period_end
FROM (SELECT DISTINCT period FROM mentions_scoped WHERE excluded_reason IS NULL)
WHERE period_start(period) IS NULL OR period_end(period) IS NULL OR period_start(period) > period_end(period);
