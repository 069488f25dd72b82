import { z } from 'zod';
import type { ColumnContract, ColumnType } from './column.js';
import { TABLES, type TableContract } from './tables.js';

export * from './tables.js';
export type { ColumnContract, ColumnType } from './column.js';

/**
 * What the table contracts (tables.ts) derive: row schemas and types, column lists with their DuckDB /
 * Parquet types, SQL select lists, primary keys and the published JSON Schemas. Nothing here declares a
 * column; a column is added or changed in tables.ts only.
 */

export type TableName = keyof typeof TABLES;
/** Publishing order: the order of the declarations. */
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** The data tables: what a release compares to decide whether anything changed. */
export const DATA_TABLES = ['facts', 'mentions', 'series', 'sources', 'metrics', 'subjects'] as const satisfies readonly TableName[];

// ----------------------------------------------------------------------------------------- row types

type Shape<C extends Record<string, ColumnContract>> = { [K in keyof C]: C[K]['zod'] };

function rowSchema<C extends Record<string, ColumnContract>>(t: TableContract<string, C>) {
  const shape = Object.fromEntries(Object.entries(t.columns).map(([k, c]) => [k, c.zod])) as Shape<C>;
  return z.object(shape);
}

export const SourceRowSchema = rowSchema(TABLES.sources);
export type SourceRow = z.infer<typeof SourceRowSchema>;
/** One figure as stated in a source: the row of the published `mentions` table. */
export const MentionSchema = rowSchema(TABLES.mentions);
export type Mention = z.infer<typeof MentionSchema>;
/** A number token that is not a figure (a year, a phone number …). */
export const SkipSchema = rowSchema(TABLES.skips);
export type Skip = z.infer<typeof SkipSchema>;
/** One row of the published `facts` table. */
export const FactSchema = rowSchema(TABLES.facts);
export type Fact = z.infer<typeof FactSchema>;
/** One row of the published `series` table: one point per (metric, subject, period), linked to its fact. */
export const SeriesRowSchema = rowSchema(TABLES.series);
export type SeriesRow = z.infer<typeof SeriesRowSchema>;
/** One row of the published `checks` table (a finding with its place flattened). */
export const CheckRowSchema = rowSchema(TABLES.checks);
export type CheckRow = z.infer<typeof CheckRowSchema>;
/** A source that failed to build, with the reason. */
/** Where a finding points: the checks row's place_* columns, without the prefix. */
export type Place = { [K in keyof CheckRow as K extends `place_${infer P}` ? P : never]: CheckRow[K] };
/** The keys of a Place, in column order. */
export const PLACE_KEYS = Object.keys(TABLES.checks.columns)
  .filter((c) => c.startsWith('place_'))
  .map((c) => c.slice('place_'.length)) as (keyof Place)[];
export const SourceErrorRecordSchema = rowSchema(TABLES.errors);
export type SourceErrorRecord = z.infer<typeof SourceErrorRecordSchema>;
export const MetricRowSchema = rowSchema(TABLES.metrics);
export type MetricRow = z.infer<typeof MetricRowSchema>;
export const SubjectRowSchema = rowSchema(TABLES.subjects);
export type SubjectRow = z.infer<typeof SubjectRowSchema>;

/** The definition tables, from the lexicon's metric and subject lists (extra fields of theirs are left out), by id. */
export function definitionTables(lexicon: {
  metrics: readonly { id: string; kind: MetricRow['kind']; unit_kinds: readonly string[]; definition: string }[];
  subjects: readonly { id: string; kind: string; role: SubjectRow['role']; name: string; aliases: readonly string[]; parent: string | null }[];
}): { metrics: MetricRow[]; subjects: SubjectRow[] } {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    metrics: lexicon.metrics.map((m) => ({ id: m.id, kind: m.kind, unit_kinds: [...m.unit_kinds], definition: m.definition })).sort(byId),
    subjects: lexicon.subjects.map((s) => ({ id: s.id, kind: s.kind, role: s.role, name: s.name, aliases: [...s.aliases], parent: s.parent })).sort(byId),
  };
}

// -------------------------------------------------------------------------------------------- columns

export type DuckdbType = 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'VARCHAR[]';

export interface Column {
  name: string;
  kind: ColumnType;
  nullable: boolean;
  description: string;
  unit: string | null;
  /** DuckDB type, which is also the Parquet logical type written */
  duckdbType: DuckdbType;
  enum: readonly string[] | null;
  pattern: string | null;
}

const DUCK: Record<ColumnType, DuckdbType> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  'string[]': 'VARCHAR[]',
};

/** The columns of a table, in order. */
export function columnsOf(name: TableName): Column[] {
  return Object.entries(TABLES[name].columns as Record<string, ColumnContract>).map(([col, c]) => ({
    name: col,
    kind: c.type,
    nullable: c.nullable,
    description: c.description,
    unit: c.unit,
    duckdbType: DUCK[c.type],
    enum: c.enum,
    pattern: c.pattern,
  }));
}

/** Columns that identify a row (empty: the table has no key; rows are compared whole). */
export function primaryKeyOf(name: TableName): string[] {
  return [...TABLES[name].primaryKey];
}

export function tableDescription(name: TableName): string {
  const t = TABLES[name];
  return `${t.title}. ${t.description} The file is a JSON array with one object per row; every column is present (null where empty).`;
}

/**
 * The SQL select list that reads a table's columns, in order, from a DuckDB table or view holding them under
 * the same names (`listsAsText`: a list column as one space-separated string, for items without spaces).
 */
export function sqlSelectList(name: TableName, opts: { listsAsText?: boolean } = {}): string {
  return columnsOf(name)
    .map((c) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(c.name)) throw new Error(`bad column name ${name}.${c.name}`);
      return c.kind === 'string[]' && opts.listsAsText ? `array_to_string(${c.name}, ' ') AS ${c.name}` : c.name;
    })
    .join(', ');
}

/**
 * The DuckDB struct of column types that read_json(…, columns = …) takes to read a table's JSON with its
 * contract's types (`only`: just these columns, in table order; `datesAsText`: date columns as VARCHAR, for a
 * reader that TRY_CASTs them itself rather than fail on a malformed date).
 */
export function duckdbColumns(name: TableName, only?: readonly string[], opts: { datesAsText?: boolean } = {}): string {
  const cols = columnsOf(name).filter((c) => only === undefined || only.includes(c.name));
  for (const c of cols) if (!/^[a-z_][a-z0-9_]*$/.test(c.name)) throw new Error(`bad column name ${name}.${c.name}`);
  if (only) for (const o of only) if (!cols.some((c) => c.name === o)) throw new Error(`${name} has no column ${o}`);
  return `{${cols.map((c) => `${c.name}: '${c.kind === 'date' && opts.datesAsText ? 'VARCHAR' : c.duckdbType}'`).join(', ')}}`;
}

// --------------------------------------------------------------------------------------- JSON Schema

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const JSON_TYPE: Record<ColumnType, string> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  date: 'string',
  'string[]': 'array',
};

function propertyOf(c: ColumnContract): Record<string, unknown> {
  if (c.type === 'string[]') {
    const items: Record<string, unknown> = { type: 'string' };
    if (c.pattern !== null) items.pattern = c.pattern;
    return { type: c.nullable ? ['array', 'null'] : 'array', items, description: c.description };
  }
  const p: Record<string, unknown> = { type: c.nullable ? [JSON_TYPE[c.type], 'null'] : JSON_TYPE[c.type] };
  if (c.type === 'date') p.format = 'date';
  if (c.enum !== null) p.enum = [...c.enum];
  if (c.pattern !== null) p.pattern = c.pattern;
  if (c.minimum !== null) p.minimum = c.minimum;
  if (c.minLength !== null) p.minLength = c.minLength;
  p.description = c.description;
  return p;
}

export interface TableJsonSchema {
  $schema: string;
  title: string;
  description: string;
  type: 'array';
  items: { type: 'object'; properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: false };
}

/** The JSON Schema (draft 2020-12) of `<table>.json`: an array of row objects whose keys are exactly the columns. */
export function jsonSchemaOf(name: TableName): TableJsonSchema {
  const cols = TABLES[name].columns as Record<string, ColumnContract>;
  const properties = Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, propertyOf(c)]));
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title: `figtrail ${name}`,
    description: tableDescription(name),
    type: 'array',
    items: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false },
  };
}

export const TABLE_SCHEMAS = Object.fromEntries(TABLE_NAMES.map((n) => [n, jsonSchemaOf(n)])) as Record<TableName, TableJsonSchema>;
