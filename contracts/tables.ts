import { bool, date, int, ndate, nint, nnum, nstr, num, oneOf, str, strList, type ColumnContract } from './column.js';

/**
 * The published tables, each declared once: its columns in order (type, nullability, description, unit,
 * constraints) and its primary key. The row types, zod schemas, JSON Schemas, DuckDB / Parquet types, SQL
 * column lists and the data dictionary are all derived from these declarations (contracts/derive.ts).
 *
 * Changing a description or a constraint here changes the published `<table>.schema.json`, the data
 * package and the dictionary; changing a column changes the data.
 */

// ------------------------------------------------------------------------------- value vocabularies

/**
 * Currencies by ISO 4217 code, each its own unit (amounts are never converted). CNY and USD first; the others
 * were added after them, so the order of UNITS below keeps the earlier units where they were.
 */
export const CURRENCY_UNITS = [
  'CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'KRW', 'INR', 'TWD', 'SGD', 'CHF',
  'RUB', 'AUD', 'CAD', 'NZD', 'THB', 'MYR', 'IDR', 'VND', 'BRL', 'ZAR', 'SEK',
] as const;
export type CurrencyUnit = (typeof CURRENCY_UNITS)[number];

/** `unknown`: a unit nobody could tell (a curated decision may set it); the figure grammar never gives it. */
export const UNITS = [
  'CNY', 'USD', 'percent', 'count', 'persons', 'km2', 'times', 'per_10k', 'unknown', 'percentage_points',
  ...CURRENCY_UNITS.slice(2),
] as const;
export type Unit = (typeof UNITS)[number];

export function isCurrencyUnit(u: string): u is CurrencyUnit {
  return (CURRENCY_UNITS as readonly string[]).includes(u);
}

export const BOUNDS = ['exact', 'lower', 'upper', 'approx'] as const;
export type Bound = (typeof BOUNDS)[number];

export const PERIOD_BASES = ['stated', 'carried', 'publication', 'none'] as const;
export type PeriodBasis = (typeof PERIOD_BASES)[number];

/**
 * What each facts.status says, in the words the data dictionary, the audit site's legend and
 * `figtrail metrics`/`facts` readers see. The order is the order of the legend.
 */
export const FACT_STATUS_DEFINITIONS = [
  ['single', 'one mention states the figure'],
  ['consistent', 'two or more mentions agree (their intervals intersect), but not from independent sources: one document stating it twice, or documents without two different named publishers'],
  ['corroborated', 'two or more mentions agree, stated by independent sources: at least two documents whose named publishers differ'],
  ['resolved', 'mentions disagree, and a rule (the dataset\'s rules.yaml) or a curated decision (its decisions.yaml) settles which to keep'],
  ['conflict', 'mentions disagree (their intervals do not intersect) and nothing settles it: no value is published'],
] as const satisfies readonly (readonly [string, string])[];
type FirstOfEach<T extends readonly (readonly [string, string])[]> = { readonly [K in keyof T]: T[K][0] };
/** The statuses, in the order of their definitions (the published enum). */
export const FACT_STATUSES = FACT_STATUS_DEFINITIONS.map(([status]) => status) as unknown as FirstOfEach<typeof FACT_STATUS_DEFINITIONS>;
export type FactStatus = (typeof FACT_STATUSES)[number];

export const MEDIA_TYPES = ['application/pdf', 'text/html'] as const;
export const SOURCE_STATUSES = ['ok', 'error'] as const;
export const SEVERITIES = ['error', 'warning', 'info'] as const;
export const CHECK_STATUSES = ['pass', 'fail'] as const;
export const METRIC_KINDS = ['stock', 'flow', 'ratio'] as const;
/**
 * What the engine reads of a subject: aggregate = the whole set studied; member = one named member of it;
 * place = a geographic area that is not a member. The dataset's own kinds (subjects.yaml `kinds:`) map to these.
 */
export const SUBJECT_ROLES = ['aggregate', 'member', 'place'] as const;

const HEX64 = '^[0-9a-f]{64}$';
const MENTION_ID = '^m_[0-9a-f]{16}$';
const SOURCE_ID = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
const LEXICON_ID = '^[a-z][a-z0-9_]*$';

const CODE_POINTS = { unit: 'Unicode code points' };
const BYTES = { unit: 'bytes' };
const ROW_UNIT = { unit: 'the unit column, in base units (not thousands or billions)' };

// ---------------------------------------------------------------------------------------- contracts

export interface TableContract<N extends string = string, C extends Record<string, ColumnContract> = Record<string, ColumnContract>> {
  name: N;
  /** a few words: "Reconciled facts" */
  title: string;
  /** what one row is */
  description: string;
  /** the columns that identify a row; empty: rows are compared whole */
  primaryKey: readonly (keyof C & string)[];
  columns: C;
  /** columns whose values are keys of another table (published in the data package) */
  foreignKeys: readonly ForeignKey<keyof C & string>[];
}

export interface ForeignKey<K extends string = string> {
  column: K;
  table: string;
  key: string;
}

function table<const N extends string, C extends Record<string, ColumnContract>>(
  name: N,
  title: string,
  description: string,
  primaryKey: readonly (keyof C & string)[],
  columns: C,
  foreignKeys: readonly ForeignKey<keyof C & string>[] = [],
): TableContract<N, C> {
  return { name, title, description, primaryKey, columns, foreignKeys };
}

export const TABLES = {
  sources: table('sources', 'Archived source documents', 'One row per entry of the sources manifest, with what the build found in the file.', ['source_id'], {
    source_id: str('Source id from the manifest; names text/<source_id>.txt and is referenced by every other table.', { pattern: SOURCE_ID }),
    file: str('File name of the archived document inside the sources folder.'),
    media_type: oneOf(MEDIA_TYPES, 'Media type of the archived file.'),
    title: nstr('Title of the document as it presents itself.'),
    publisher: nstr('Publishing organisation (may be inferred; see notes).'),
    original_url: nstr('Where the document was published online, when known.'),
    published: ndate('Publication date (YYYY-MM-DD), when stated.'),
    capture: nstr('How the archived copy was made (e.g. "rendition", "original").'),
    notes: nstr('Free-text notes on the archived copy and on any inference.'),
    sha256: str('SHA-256 (hex) of the archived file bytes.', { pattern: HEX64 }),
    bytes: nint('Size of the archived file in bytes; null if it could not be read.', { minimum: 0, ...BYTES }),
    pages: nint('PDF: number of pages; HTML: null.', { minimum: 0 }),
    text_chars: nint('Length of the text layer text/<source_id>.txt in Unicode code points; null if no text layer was built.', { minimum: 0, ...CODE_POINTS }),
    text_sha256: nstr('SHA-256 (hex) of text/<source_id>.txt (UTF-8); null if no text layer was built.', { pattern: HEX64 }),
    status: oneOf(SOURCE_STATUSES, '"ok" when the source was read and extracted, "error" when it failed (see error_reason and the errors table).'),
    error_reason: nstr('Machine-readable reason the source failed (e.g. missing_file, sha256_mismatch); null when status is ok.'),
  }),
  mentions: table('mentions', 'Figure mentions', 'Every figure as stated in a source, with its exact position and the words around it.', ['mention_id'], {
    mention_id: str('Content-derived id of the mention ("m_" + 16 hex digits).', { pattern: MENTION_ID }),
    source_id: str('Source the figure is stated in (sources.source_id).', { pattern: SOURCE_ID }),
    source_sha256: str('SHA-256 of the archived source file the positions refer to.', { pattern: HEX64 }),
    page: nint('PDF: 1-based page number; HTML: null.', { minimum: 1 }),
    char_start: int('Start of the quote in text/<source_id>.txt, in Unicode code points (0-based).', { minimum: 0, ...CODE_POINTS }),
    char_end: int('End of the quote in text/<source_id>.txt, in code points, exclusive.', { minimum: 0, ...CODE_POINTS }),
    byte_start: nint('HTML: start of the figure in the raw file, in bytes; PDF: null.', { minimum: 0, ...BYTES }),
    byte_end: nint('HTML: end of the figure in the raw file, in bytes, exclusive; PDF: null.', { minimum: 0, ...BYTES }),
    quote: str('The figure exactly as written (text layer characters char_start..char_end).', { minLength: 1 }),
    prefix: str('Text layer characters just before the quote.'),
    suffix: str('Text layer characters just after the quote.'),
    sentence: str('The sentence containing the figure.'),
    value_text: str('The numeric part of the quote as written.'),
    value: num('The figure as a number, scaled to the unit (e.g. 27.9 trillion yuan → 2.79e13 with unit CNY).', ROW_UNIT),
    unit: oneOf(UNITS, 'Unit of value.'),
    bound: oneOf(BOUNDS, 'How the figure bounds the quantity: exact, lower ("more than"), upper ("less than"), approx ("about").'),
    lo: nnum('Lower end of the interval the figure states; null if unbounded below.', ROW_UNIT),
    hi: nnum('Upper end of the interval the figure states; null if unbounded above.', ROW_UNIT),
    lo_exclusive: bool('True when the lower end is excluded ("more than").'),
    hi_exclusive: bool('True when the upper end is excluded ("less than").'),
    metric: nstr('Lexicon metric the figure measures; null when not recognised.'),
    subject: nstr('Lexicon subject the figure is about (a named member, the whole set …); null when not recognised.'),
    period: nstr('Period the figure refers to (e.g. "2023", "2023-H1"); null when unknown.'),
    period_basis: oneOf(PERIOD_BASES, 'Where the period comes from: stated in the sentence, carried from context, the publication date, or none.'),
    is_target: bool('True when the figure is a goal or plan, not an achieved value.'),
    paired_mention_id: nstr('Another mention stating the same figure in another unit ("27.9 trillion yuan ($4 trillion)").', { pattern: MENTION_ID }),
    region: str('Layout region of the text layer the figure sits in (e.g. body, sidebar, footer).'),
    rule: str('Extraction grammar rule that produced the mention.'),
    extractor_version: str('Version of the extractor that produced the mention.'),
  }, [{ column: 'source_id', table: 'sources', key: 'source_id' }]),
  skips: table('skips', 'Skipped number tokens', 'Number tokens that are not figures (years, phone numbers, page numbers …), recorded with the reason.', [], {
    source_id: str('Source the token is in (sources.source_id).', { pattern: SOURCE_ID }),
    page: nint('PDF: 1-based page number; HTML: null.', { minimum: 1 }),
    char_start: int('Start of the token in text/<source_id>.txt, in code points.', { minimum: 0, ...CODE_POINTS }),
    char_end: int('End of the token in text/<source_id>.txt, in code points, exclusive.', { minimum: 0, ...CODE_POINTS }),
    text: str('The token as written.'),
    reason: str('Why the token is not a figure.'),
  }, [{ column: 'source_id', table: 'sources', key: 'source_id' }]),
  facts: table('facts', 'Reconciled facts', 'One row per (metric, subject, period, unit, target or not): the figures of all mentions stating it, reconciled.', ['fact_id'], {
    fact_id: str('Content-derived id of the fact: "f_" + 16 hex of sha256("metric|subject|period|unit"), "|target" appended for targets.'),
    metric: str('Metric id; the metrics table defines it (metrics.id).'),
    subject: str('Subject id; the subjects table names it (subjects.id). A named zone the subjects table does not list has an id made from its proper name as written.'),
    period: nstr('Period the fact refers to: "2012", "2012-H1", "2013-Q1/2013-Q3", "2024-07", "2024-07-24", "2009/2011".'),
    period_start: ndate('First day of the period.'),
    period_end: ndate('Last day of the period (the as-of date of a stock).'),
    period_basis: str('How the period was known: stated, carried (from the sentence before), publication (a stock dated by its source\'s publication date).'),
    metric_kind: nstr('The lexicon kind of the metric: stock (as-of), flow (per period) or ratio.'),
    value: nnum('Reconciled value (in unit, base units: yuan not billions); null only for an unresolved conflict.', ROW_UNIT),
    unit: oneOf(UNITS, 'Unit of value, lo and hi.'),
    lo: nnum('Lower end of the interval the value is known to lie in; null if unbounded below or in conflict.', ROW_UNIT),
    hi: nnum('Upper end of that interval; null if unbounded above or in conflict.', ROW_UNIT),
    lo_exclusive: bool('True when the lower end is excluded ("more than").'),
    hi_exclusive: bool('True when the upper end is excluded ("less than", "nearly").'),
    status: oneOf(FACT_STATUSES, `Reconciliation status: ${FACT_STATUS_DEFINITIONS.map(([st, d]) => `${st} (${d})`).join('; ')}.`),
    n_mentions: int('Number of mentions behind the fact (the facts-have-mentions check requires at least one).', { minimum: 0, unit: 'mentions' }),
    n_sources: int('Number of distinct sources behind the fact.', { minimum: 0, unit: 'sources' }),
    mention_ids: strList('Ids of the mentions behind the fact (mentions.mention_id), sorted.', { pattern: MENTION_ID }),
    alt_mention_ids: strList('The same figure stated in another currency beside it ("($4 trillion)"): linked, never converted.', { pattern: MENTION_ID }),
    chosen_mention_id: nstr('The mention whose figure was chosen as value; null for a conflict.', { pattern: MENTION_ID }),
    rule: nstr('Reconciliation rule id (e.g. R1) or decision:<id> (a curated decision) that chose the value; null for a conflict. resolution says in words what the rule or decision did.'),
    resolution: nstr('The reasoning in words: which mentions were compared, their intervals, the intersection and why this value.'),
    is_target: bool('True when the fact is a goal or plan ("by 2020 … will"), not an achieved value.'),
    in_series: bool('True when the fact is a point of the series table (achieved, in the metric\'s canonical unit).'),
  }),
  series: table('series', 'Time series', 'Achieved (non-target) facts with a known period, one row per point, ordered by metric, subject and period_end.', ['fact_id'], {
    fact_id: str('The fact this point comes from (facts.fact_id).'),
    metric: str('Lexicon metric.'),
    subject: str('Lexicon subject.'),
    period: str('Period of the point.'),
    period_end: date('Last day of the period (the x axis).'),
    value: nnum('Value of the point, in unit; null for an unresolved conflict (see facts.resolution).', ROW_UNIT),
    unit: oneOf(UNITS, 'Unit of value.'),
    lo: nnum('Lower end of the interval; null if unbounded below.', ROW_UNIT),
    hi: nnum('Upper end of the interval; null if unbounded above.', ROW_UNIT),
    status: oneOf(FACT_STATUSES, 'Reconciliation status of the fact (facts.status).'),
  }, [{ column: 'fact_id', table: 'facts', key: 'fact_id' }]),
  checks: table('checks', 'Check findings', 'Data-quality and provenance findings; the place is flattened into place_* columns (null where not applicable).', [], {
    rule_id: str('Check rule that produced the finding.'),
    severity: oneOf(SEVERITIES, 'error (blocks a release), warning or info.'),
    status: oneOf(CHECK_STATUSES, 'fail when the rule found a problem, pass when it records a passing check.'),
    message: str('What was found, in words.'),
    place_source_id: nstr('Source the finding is about.'),
    place_page: nint('Page of the source the finding is about.', { minimum: 1 }),
    place_char_start: nint('Start (code points) in text/<source_id>.txt.', { minimum: 0, ...CODE_POINTS }),
    place_char_end: nint('End (code points, exclusive) in text/<source_id>.txt.', { minimum: 0, ...CODE_POINTS }),
    place_mention_id: nstr('Mention the finding is about (mentions.mention_id).'),
    place_fact_id: nstr('Fact the finding is about (facts.fact_id).'),
    place_table: nstr('Table the finding is about.'),
    actual: nstr('What was found, as a display string (e.g. "27.6 %"); null when not applicable.'),
    expected: nstr('What the rule expected, as a display string; null when not applicable.'),
  }),
  errors: table('errors', 'Source errors', 'Sources that failed to build, one row per failure.', ['source_id'], {
    source_id: str('Source that failed (sources.source_id).'),
    reason: str('Machine-readable reason (e.g. missing_file, sha256_mismatch, pdf_unreadable).'),
    message: str('What went wrong, in words.'),
  }),
  metrics: table('metrics', 'Metric definitions', 'One row per metric a fact or mention can measure: what it means, how it behaves over time and the units it is stated in.', ['id'], {
    id: str('Metric id, as used in mentions.metric, facts.metric and series.metric.', { pattern: LEXICON_ID }),
    kind: oneOf(METRIC_KINDS, 'stock: a level held as of a date (a count, a size); flow: an amount over a period; ratio: a share or a growth rate.'),
    unit_kinds: strList('Units the metric may be stated in (values of facts.unit), its canonical unit first: the unit its series is published in.'),
    definition: str('What the metric means, in one sentence.', { minLength: 1 }),
  }),
  subjects: table('subjects', 'Subject definitions', 'One row per subject a figure can be about: the whole set, a named member, a place.', ['id'], {
    id: str('Subject id, as used in mentions.subject, facts.subject and series.subject.', { pattern: LEXICON_ID }),
    kind: str("The dataset's kind of subject (its vocabulary names them: a zone, a city, a province …); each kind has one role.", { pattern: LEXICON_ID }),
    role: oneOf(SUBJECT_ROLES, 'aggregate: the whole set the dataset is about, taken together; member: one named member of it; place: a geographic area that is not a member, the subject only when a figure is about the place itself.'),
    name: str('Name of the subject.', { minLength: 1 }),
    aliases: strList('Phrases that name the subject in a document.'),
    parent: nstr('Subject id of the subject this one lies within (a city\'s province, a member\'s city), or null.', { pattern: LEXICON_ID }),
  }, [{ column: 'parent', table: 'subjects', key: 'id' }]),
};
