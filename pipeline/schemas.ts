import { BOUNDS, PERIOD_BASES, UNITS } from '../extract/records.js';

/**
 * JSON Schemas (draft 2020-12) of the published tables. They are the single source of truth for
 * column order, column types (→ DuckDB / Parquet types), nullability and the data dictionary.
 *
 * Each schema describes one `<table>.json` file: an array of row objects whose keys are exactly
 * the columns, in this order. Type mapping (see `columnsOf`):
 *   string → VARCHAR, integer → BIGINT, number → DOUBLE, boolean → BOOLEAN,
 *   string + format date → DATE, array of strings → VARCHAR[] (Parquet LIST);
 *   `type: [x, 'null']` makes a column nullable.
 */

export const TABLE_NAMES = ['sources', 'mentions', 'skips', 'facts', 'series', 'checks', 'errors'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** The data tables: what a release compares to decide whether anything changed. */
export const DATA_TABLES = ['facts', 'mentions', 'series', 'sources'] as const satisfies readonly TableName[];

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
const FACT_STATUS_ENUM = FACT_STATUS_DEFINITIONS.map(([s]) => s);
const FACT_STATUS_TEXT = FACT_STATUS_DEFINITIONS.map(([s, d]) => `${s} (${d})`).join('; ');

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

type Prop = Record<string, unknown> & { description: string };

const HEX64 = '^[0-9a-f]{64}$';
const MENTION_ID = '^m_[0-9a-f]{16}$';
const SOURCE_ID = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

function t(type: string, nullable: boolean, description: string, extra: Record<string, unknown> = {}): Prop {
  return { type: nullable ? [type, 'null'] : type, ...extra, description };
}
const str = (d: string, x?: Record<string, unknown>) => t('string', false, d, x);
const nstr = (d: string, x?: Record<string, unknown>) => t('string', true, d, x);
const int = (d: string, x?: Record<string, unknown>) => t('integer', false, d, x);
const nint = (d: string, x?: Record<string, unknown>) => t('integer', true, d, x);
const num = (d: string) => t('number', false, d);
const nnum = (d: string) => t('number', true, d);
const bool = (d: string) => t('boolean', false, d);
const date = (d: string) => t('string', false, d, { format: 'date' });
const ndate = (d: string) => t('string', true, d, { format: 'date' });
const strList = (d: string, items: Record<string, unknown> = {}): Prop => ({ type: 'array', items: { type: 'string', ...items }, description: d });

function table(name: TableName, title: string, description: string, primaryKey: string[], properties: Record<string, Prop>) {
  PRIMARY_KEYS[name] = primaryKey;
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: `figtrail ${name}`,
    description: `${title}. ${description} The file is a JSON array with one object per row; every column is present (null where empty).`,
    type: 'array',
    items: {
      type: 'object',
      properties,
      required: Object.keys(properties),
      additionalProperties: false,
    },
  } as const;
}

const PRIMARY_KEYS: Partial<Record<TableName, string[]>> = {};
const units = { enum: [...UNITS] };

export const TABLE_SCHEMAS: Record<TableName, ReturnType<typeof table>> = {
  sources: table('sources', 'Archived source documents', 'One row per entry of the sources manifest, with what the build found in the file.', ['source_id'], {
    source_id: str('Source id from the manifest; names text/<source_id>.txt and is referenced by every other table.', { pattern: SOURCE_ID }),
    file: str('File name of the archived document inside the sources folder.'),
    media_type: str('Media type of the archived file.', { enum: ['application/pdf', 'text/html'] }),
    title: nstr('Title of the document as it presents itself.'),
    publisher: nstr('Publishing organisation (may be inferred; see notes).'),
    original_url: nstr('Where the document was published online, when known.'),
    published: ndate('Publication date (YYYY-MM-DD), when stated.'),
    capture: nstr('How the archived copy was made (e.g. "rendition", "original").'),
    notes: nstr('Free-text notes on the archived copy and on any inference.'),
    sha256: str('SHA-256 (hex) of the archived file bytes.', { pattern: HEX64 }),
    bytes: nint('Size of the archived file in bytes; null if it could not be read.', { minimum: 0 }),
    pages: nint('PDF: number of pages; HTML: null.', { minimum: 0 }),
    text_chars: nint('Length of the text layer text/<source_id>.txt in Unicode code points; null if no text layer was built.', { minimum: 0 }),
    text_sha256: nstr('SHA-256 (hex) of text/<source_id>.txt (UTF-8); null if no text layer was built.', { pattern: HEX64 }),
    status: str('"ok" when the source was read and extracted, "error" when it failed (see error_reason and the errors table).', { enum: ['ok', 'error'] }),
    error_reason: nstr('Machine-readable reason the source failed (e.g. missing_file, sha256_mismatch); null when status is ok.'),
  }),
  mentions: table('mentions', 'Figure mentions', 'Every figure as stated in a source, with its exact position and the words around it.', ['mention_id'], {
    mention_id: str('Content-derived id of the mention ("m_" + 16 hex digits).', { pattern: MENTION_ID }),
    source_id: str('Source the figure is stated in (sources.source_id).', { pattern: SOURCE_ID }),
    source_sha256: str('SHA-256 of the archived source file the positions refer to.', { pattern: HEX64 }),
    page: nint('PDF: 1-based page number; HTML: null.', { minimum: 1 }),
    char_start: int('Start of the quote in text/<source_id>.txt, in Unicode code points (0-based).', { minimum: 0 }),
    char_end: int('End of the quote in text/<source_id>.txt, in code points, exclusive.', { minimum: 0 }),
    byte_start: nint('HTML: start of the figure in the raw file, in bytes; PDF: null.', { minimum: 0 }),
    byte_end: nint('HTML: end of the figure in the raw file, in bytes, exclusive; PDF: null.', { minimum: 0 }),
    quote: str('The figure exactly as written (text layer characters char_start..char_end).', { minLength: 1 }),
    prefix: str('Text layer characters just before the quote.'),
    suffix: str('Text layer characters just after the quote.'),
    sentence: str('The sentence containing the figure.'),
    value_text: str('The numeric part of the quote as written.'),
    value: num('The figure as a number, scaled to the unit (e.g. 27.9 trillion yuan → 2.79e13 with unit CNY).'),
    unit: str('Unit of value.', units),
    bound: str('How the figure bounds the quantity: exact, lower ("more than"), upper ("less than"), approx ("about").', { enum: [...BOUNDS] }),
    lo: nnum('Lower end of the interval the figure states; null if unbounded below.'),
    hi: nnum('Upper end of the interval the figure states; null if unbounded above.'),
    lo_exclusive: bool('True when the lower end is excluded ("more than").'),
    hi_exclusive: bool('True when the upper end is excluded ("less than").'),
    metric: nstr('Lexicon metric the figure measures; null when not recognised.'),
    subject: nstr('Lexicon subject the figure is about (a zone, all national zones …); null when not recognised.'),
    period: nstr('Period the figure refers to (e.g. "2023", "2023-H1"); null when unknown.'),
    period_basis: str('Where the period comes from: stated in the sentence, carried from context, the publication date, or none.', { enum: [...PERIOD_BASES] }),
    is_target: bool('True when the figure is a goal or plan, not an achieved value.'),
    paired_mention_id: nstr('Another mention stating the same figure in another unit ("27.9 trillion yuan ($4 trillion)").', { pattern: MENTION_ID }),
    region: str('Layout region of the text layer the figure sits in (e.g. body, sidebar, footer).'),
    rule: str('Extraction grammar rule that produced the mention.'),
    extractor_version: str('Version of the extractor that produced the mention.'),
  }),
  skips: table('skips', 'Skipped number tokens', 'Number tokens that are not figures (years, phone numbers, page numbers …), recorded with the reason.', [], {
    source_id: str('Source the token is in (sources.source_id).', { pattern: SOURCE_ID }),
    page: nint('PDF: 1-based page number; HTML: null.', { minimum: 1 }),
    char_start: int('Start of the token in text/<source_id>.txt, in code points.', { minimum: 0 }),
    char_end: int('End of the token in text/<source_id>.txt, in code points, exclusive.', { minimum: 0 }),
    text: str('The token as written.'),
    reason: str('Why the token is not a figure.'),
  }),
  facts: table('facts', 'Reconciled facts', 'One row per (metric, subject, period, unit, target or not): the figures of all mentions stating it, reconciled.', ['fact_id'], {
    fact_id: str('Content-derived id of the fact: "f_" + 16 hex of sha256("metric|subject|period|unit"), "|target" appended for targets.'),
    metric: str('Lexicon metric id (extract/lexicon/metrics.yaml).'),
    subject: str('Lexicon subject id (extract/lexicon/subjects.yaml): national = all national high-tech zones, or a named zone.'),
    period: nstr('Period the fact refers to: "2012", "2012-H1", "2013-Q1/2013-Q3", "2024-07", "2024-07-24", "2009/2011".'),
    period_start: ndate('First day of the period.'),
    period_end: ndate('Last day of the period (the as-of date of a stock).'),
    period_basis: str('How the period was known: stated, carried (from the sentence before), publication (a stock dated by its source\'s publication date).'),
    metric_kind: nstr('The lexicon kind of the metric: stock (as-of), flow (per period) or ratio.'),
    value: nnum('Reconciled value (in unit, base units: yuan not billions); null only for an unresolved conflict.'),
    unit: str('Unit of value, lo and hi.', units),
    lo: nnum('Lower end of the interval the value is known to lie in; null if unbounded below or in conflict.'),
    hi: nnum('Upper end of that interval; null if unbounded above or in conflict.'),
    lo_exclusive: bool('True when the lower end is excluded ("more than").'),
    hi_exclusive: bool('True when the upper end is excluded ("less than", "nearly").'),
    status: str(`Reconciliation status: ${FACT_STATUS_TEXT}.`, { enum: FACT_STATUS_ENUM }),
    n_mentions: int('Number of mentions behind the fact (the facts-have-mentions check requires at least one).', { minimum: 0 }),
    n_sources: int('Number of distinct sources behind the fact.', { minimum: 0 }),
    mention_ids: strList('Ids of the mentions behind the fact (mentions.mention_id), sorted.', { pattern: MENTION_ID }),
    alt_mention_ids: strList('The same figure stated in another currency beside it ("($4 trillion)"): linked, never converted.', { pattern: MENTION_ID }),
    chosen_mention_id: nstr('The mention whose figure was chosen as value; null for a conflict.', { pattern: MENTION_ID }),
    rule: nstr('Rule id (transform/rules.yaml) or decision:<id> (transform/decisions.yaml) that chose the value; null for a conflict.'),
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
    value: nnum('Value of the point, in unit; null for an unresolved conflict (see facts.resolution).'),
    unit: str('Unit of value.', units),
    lo: nnum('Lower end of the interval; null if unbounded below.'),
    hi: nnum('Upper end of the interval; null if unbounded above.'),
    status: str('Reconciliation status of the fact (facts.status).', { enum: FACT_STATUS_ENUM }),
  }),
  checks: table('checks', 'Check findings', 'Data-quality and provenance findings; the place is flattened into place_* columns (null where not applicable).', [], {
    rule_id: str('Check rule that produced the finding.'),
    severity: str('error (blocks a release), warning or info.', { enum: ['error', 'warning', 'info'] }),
    status: str('fail when the rule found a problem, pass when it records a passing check.', { enum: ['pass', 'fail'] }),
    message: str('What was found, in words.'),
    place_source_id: nstr('Source the finding is about.'),
    place_page: nint('Page of the source the finding is about.', { minimum: 1 }),
    place_char_start: nint('Start (code points) in text/<source_id>.txt.', { minimum: 0 }),
    place_char_end: nint('End (code points, exclusive) in text/<source_id>.txt.', { minimum: 0 }),
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
};

export type ColumnKind = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'string[]';

export interface Column {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  description: string;
  /** DuckDB type, which is also the Parquet logical type written */
  duckdbType: 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'VARCHAR[]';
  enum: readonly string[] | null;
  pattern: string | null;
}

const DUCK: Record<ColumnKind, Column['duckdbType']> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  'string[]': 'VARCHAR[]',
};

/** The columns of a table, in order, derived from its JSON Schema. */
export function columnsOf(name: TableName): Column[] {
  const props = TABLE_SCHEMAS[name].items.properties as Record<string, Record<string, unknown>>;
  return Object.entries(props).map(([col, p]) => {
    const types = Array.isArray(p.type) ? (p.type as string[]) : [p.type as string];
    const nullable = types.includes('null');
    const base = types.filter((x) => x !== 'null');
    if (base.length !== 1) throw new Error(`${name}.${col}: expected one non-null type`);
    let kind: ColumnKind;
    const b = base[0];
    if (b === 'string') kind = p.format === 'date' ? 'date' : 'string';
    else if (b === 'integer' || b === 'number' || b === 'boolean') kind = b;
    else if (b === 'array' && (p.items as { type?: unknown } | undefined)?.type === 'string') kind = 'string[]';
    else throw new Error(`${name}.${col}: unsupported type ${JSON.stringify(p.type)}`);
    return {
      name: col,
      kind,
      nullable,
      description: String(p.description ?? ''),
      duckdbType: DUCK[kind],
      enum: Array.isArray(p.enum) ? (p.enum as string[]) : null,
      pattern: typeof p.pattern === 'string' ? p.pattern : null,
    };
  });
}

/** Columns that identify a row (empty: the table has no key; rows are compared whole). */
export function primaryKeyOf(name: TableName): string[] {
  return [...(PRIMARY_KEYS[name] ?? [])];
}
