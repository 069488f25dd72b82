import { z } from 'zod';

/**
 * The vocabulary a table contract is written in: a column is declared once, with its type, nullability,
 * description, unit and constraints, and carries the zod schema derived from exactly those. Everything
 * else — the TypeScript row types (z.infer), the published JSON Schemas, the DuckDB / Parquet types, the
 * SQL column lists and the data dictionary — is derived from the declaration (contracts/derive.ts).
 */

/** A column's type as published. `date` is an ISO date string (YYYY-MM-DD); `string[]` a list of strings. */
export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'string[]';

export interface ColumnContract<Z extends z.ZodType = z.ZodType> {
  type: ColumnType;
  nullable: boolean;
  /** one sentence or two for readers of the data, published in the JSON Schema and the dictionary */
  description: string;
  /** what a number is counted or measured in ("Unicode code points", "bytes", "the row's unit"); null when it has none */
  unit: string | null;
  /** the values a string column may take */
  enum: readonly string[] | null;
  /** a regular expression every value (of a list: every item) matches */
  pattern: string | null;
  minimum: number | null;
  minLength: number | null;
  /** the zod schema of one value, derived from the fields above */
  zod: Z;
}

export interface ColumnOptions {
  unit?: string;
  pattern?: string;
  minimum?: number;
  minLength?: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function contract<Z extends z.ZodType>(type: ColumnType, nullable: boolean, description: string, o: ColumnOptions, values: readonly string[] | null, zod: Z): ColumnContract<Z> {
  return {
    type,
    nullable,
    description,
    unit: o.unit ?? null,
    enum: values,
    pattern: o.pattern ?? null,
    minimum: o.minimum ?? null,
    minLength: o.minLength ?? null,
    zod,
  };
}

function zString(o: ColumnOptions) {
  let s = z.string();
  if (o.pattern !== undefined) s = s.regex(new RegExp(o.pattern));
  if (o.minLength !== undefined) s = s.min(o.minLength);
  return s;
}
function zInteger(o: ColumnOptions) {
  const n = z.number().int();
  return o.minimum === undefined ? n : n.min(o.minimum);
}
function zNumber(o: ColumnOptions) {
  const n = z.number();
  return o.minimum === undefined ? n : n.min(o.minimum);
}

export const str = (d: string, o: ColumnOptions = {}) => contract('string', false, d, o, null, zString(o));
export const nstr = (d: string, o: ColumnOptions = {}) => contract('string', true, d, o, null, zString(o).nullable());
export const int = (d: string, o: ColumnOptions = {}) => contract('integer', false, d, o, null, zInteger(o));
export const nint = (d: string, o: ColumnOptions = {}) => contract('integer', true, d, o, null, zInteger(o).nullable());
export const num = (d: string, o: ColumnOptions = {}) => contract('number', false, d, o, null, zNumber(o));
export const nnum = (d: string, o: ColumnOptions = {}) => contract('number', true, d, o, null, zNumber(o).nullable());
export const bool = (d: string) => contract('boolean', false, d, {}, null, z.boolean());
export const date = (d: string) => contract('date', false, d, {}, null, z.string().regex(ISO_DATE));
export const ndate = (d: string) => contract('date', true, d, {}, null, z.string().regex(ISO_DATE).nullable());
/** a string column that takes one of the given values */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, d: string) =>
  contract('string', false, d, {}, values, z.enum(values));
/** a list of strings (items matching `pattern`, when given) */
export const strList = (d: string, o: Pick<ColumnOptions, 'pattern'> = {}) => contract('string[]', false, d, o, null, z.array(zString(o)));
