-- Macros shared by the models: period strings → dates, and number / interval / mention wording for the
-- human-readable `resolution` column. No tables here.

-- One period part ('2012', '2012-H1', '2013-Q3', '2012-07', '2024-07-24') → its first and last day.
-- Anything else → NULL (049_facts.assert.sql refuses facts whose period does not parse).
CREATE OR REPLACE MACRO period_part_start(s) AS CASE
  WHEN regexp_full_match(s, '\d{4}') THEN TRY_CAST(s || '-01-01' AS DATE)
  WHEN regexp_full_match(s, '\d{4}-H[12]') THEN TRY_CAST(left(s, 4) || CASE right(s, 1) WHEN '1' THEN '-01-01' ELSE '-07-01' END AS DATE)
  WHEN regexp_full_match(s, '\d{4}-Q[1-4]') THEN TRY_CAST(left(s, 4) || '-' || lpad(CAST((CAST(right(s, 1) AS INTEGER) - 1) * 3 + 1 AS VARCHAR), 2, '0') || '-01' AS DATE)
  WHEN regexp_full_match(s, '\d{4}-\d{2}') THEN TRY_CAST(s || '-01' AS DATE)
  WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(s AS DATE)
END;

CREATE OR REPLACE MACRO period_part_end(s) AS CASE
  WHEN regexp_full_match(s, '\d{4}') THEN TRY_CAST(s || '-12-31' AS DATE)
  WHEN regexp_full_match(s, '\d{4}-H[12]') THEN TRY_CAST(left(s, 4) || CASE right(s, 1) WHEN '1' THEN '-06-30' ELSE '-12-31' END AS DATE)
  WHEN regexp_full_match(s, '\d{4}-Q[1-4]') THEN last_day(TRY_CAST(left(s, 4) || '-' || lpad(CAST(CAST(right(s, 1) AS INTEGER) * 3 AS VARCHAR), 2, '0') || '-01' AS DATE))
  WHEN regexp_full_match(s, '\d{4}-\d{2}') THEN last_day(TRY_CAST(s || '-01' AS DATE))
  WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}') THEN TRY_CAST(s AS DATE)
END;

-- A period, possibly a range 'A/B' ('2013-Q1/2013-Q3'): starts where A starts, ends where B ends.
CREATE OR REPLACE MACRO period_start(p) AS period_part_start(split_part(p, '/', 1));
CREATE OR REPLACE MACRO period_end(p) AS period_part_end(CASE WHEN contains(p, '/') THEN split_part(p, '/', 2) ELSE p END);

-- 3e12 → '3e12', 27.9e12 → '2.79e13', 1234.5 → '1234.5'
CREATE OR REPLACE MACRO fmt_num(x) AS CASE
  WHEN x IS NULL THEN 'null'
  WHEN abs(x) >= 1e6 THEN regexp_replace(regexp_replace(format('{:.14e}', CAST(x AS DOUBLE)), '\.?0+e', 'e'), 'e\+?0*', 'e')
  ELSE format('{:.15g}', CAST(x AS DOUBLE))
END;

-- [lo, hi] with NULL = unbounded and exclusive ends shown as ( )
CREATE OR REPLACE MACRO fmt_interval(lo, hi, lo_exclusive, hi_exclusive) AS
  CASE WHEN lo IS NULL OR lo_exclusive THEN '(' ELSE '[' END
  || CASE WHEN lo IS NULL THEN '-∞' ELSE fmt_num(lo) END || ', '
  || CASE WHEN hi IS NULL THEN '∞' ELSE fmt_num(hi) END
  || CASE WHEN hi IS NULL OR hi_exclusive THEN ')' ELSE ']' END;

-- how a mention states its figure: 'exceeded 3 trillion yuan' (lower bound 3e12, source news-…)
CREATE OR REPLACE MACRO fmt_mention(quote, bound, value, lo, hi, lo_exclusive, hi_exclusive, source_id) AS
  '''' || quote || ''' (' || CASE bound
    WHEN 'exact' THEN 'exact ' || fmt_num(value)
    WHEN 'lower' THEN 'lower bound ' || fmt_num(value)
    WHEN 'upper' THEN 'upper bound ' || fmt_num(value)
    ELSE 'about ' || fmt_num(value) || ', read as ' || fmt_interval(lo, hi, lo_exclusive, hi_exclusive)
  END || ', ' || source_id || ')';

-- the hull width of an interval; NULL when unbounded on either side (= infinitely imprecise)
CREATE OR REPLACE MACRO interval_width(lo, hi) AS hi - lo;

-- does the value lie in [lo, hi] (edges counted as included; NULL bound = unbounded)?
CREATE OR REPLACE MACRO in_closed(v, lo, hi) AS (lo IS NULL OR v >= lo) AND (hi IS NULL OR v <= hi);

-- is the intersection [lo, hi] empty, honouring exclusive edges?
CREATE OR REPLACE MACRO interval_empty(lo, hi, lo_exclusive, hi_exclusive) AS
  lo IS NOT NULL AND hi IS NOT NULL AND (lo > hi OR (lo = hi AND (lo_exclusive OR hi_exclusive)));
