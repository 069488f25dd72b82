import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Check, CheckContext, Finding, PublishedTable } from '../types.js';
import { finding } from '../util.js';

export const RULE_ID = 'schema-valid';
/** bad rows listed per table; the rest are counted in one summary finding */
export const MAX_ROW_FINDINGS = 20;
/** rows validated at once when a table's rows are read from disk */
const SCHEMA_CHUNK_ROWS = 2000;

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
// ajv-formats is CommonJS: the default import is the plugin itself at run time, `.default` in its types
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

function newAjv(validateSchema = true): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema });
  addFormats(ajv);
  return ajv;
}

/**
 * The Ajv that checks each schema against the draft 2020-12 meta-schema, as compile would: one for all schemas,
 * so that the meta-schema is compiled once (it was two thirds of compiling the six published tables' schemas).
 */
let schemaChecker: Ajv2020 | null = null;

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * A schema's validator, compiled once per process: ajv's code generation is most of this check's time (the
 * published tables' six schemas take ~0.3 s), so the build compiles them while its extraction workers start
 * (pipeline/build.ts). Each schema gets an Ajv of its own, as before: schemas never see each other's $ids.
 */
export function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const meta = (schemaChecker ??= newAjv());
    // the message ajv's own compile gives a schema that breaks the meta-schema
    if (!meta.validateSchema(schema)) throw new Error(`schema is invalid: ${meta.errorsText(meta.errors)}`);
    v = newAjv(false).compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

function describe(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
}

type RowKey = { source_id?: string; mention_id?: string; fact_id?: string };

function rowKey(row: unknown): RowKey {
  if (typeof row !== 'object' || row === null) return {};
  const r = row as Record<string, unknown>;
  const out: RowKey = {};
  if (typeof r['source_id'] === 'string') out.source_id = r['source_id'];
  if (typeof r['mention_id'] === 'string') out.mention_id = r['mention_id'];
  if (typeof r['fact_id'] === 'string') out.fact_id = r['fact_id'];
  return out;
}

/**
 * ajv's errors over rows [offset, offset + rows.length) of a table validated against an array schema, each at its
 * row's index in the table (row -1: the table as a whole, e.g. minItems) with a path inside that row. The one
 * chunked validation of the build: this check and publish (pipeline/publish.ts) both read their errors through it.
 * The published schemas constrain only the items, so chunk by chunk finds what the whole table would.
 */
export function arrayChunkErrors(validate: ValidateFunction, rows: readonly unknown[], offset: number): { row: number; error: ErrorObject }[] {
  if (validate(rows)) return [];
  return (validate.errors ?? []).map((e) => {
    const m = /^\/(\d+)(\/.*)?$/.exec(e.instancePath);
    return { row: m ? offset + Number(m[1]) : -1, error: { ...e, instancePath: m ? (m[2] ?? '') : e.instancePath } };
  });
}

/**
 * One table's validation against its JSON Schema (draft 2020-12, all errors, formats), fed its rows a chunk at a time
 * (rows read from disk are never all in memory), its findings at the end. The schema may describe one row, or the
 * whole table (`type: array`): errors are then grouped by row. A build feeds it the mentions and skips as it reads
 * each source's rows for the per-source rules (pipeline/steps/check.ts), so they are not read again for this check.
 */
export class TableValidation {
  private readonly validate: ValidateFunction | null = null;
  private readonly compileError: string | null = null;
  private readonly isArraySchema: boolean;
  private readonly bad = new Map<number, ErrorObject[]>();
  /** the keys of the rows that will be listed (the rows themselves are not kept) */
  private readonly keys = new Map<number, RowKey>();
  private count = 0;
  private validatedOnce = false;

  constructor(
    readonly name: string,
    schema: object,
  ) {
    try {
      this.validate = validatorFor(schema);
    } catch (e) {
      this.compileError = (e as Error).message;
    }
    this.isArraySchema = (schema as { type?: unknown }).type === 'array';
  }

  private noteRow(i: number, row: unknown): void {
    if (this.keys.size < MAX_ROW_FINDINGS && !this.keys.has(i)) this.keys.set(i, rowKey(row));
  }

  /** The table's next rows, validated at once (against an array schema: as one array). */
  add(rows: readonly unknown[]): void {
    const validate = this.validate;
    if (!validate) return;
    this.validatedOnce = true;
    if (this.isArraySchema) {
      for (const { row, error } of arrayChunkErrors(validate, rows, this.count)) {
        const list = this.bad.get(row) ?? [];
        list.push(error);
        this.bad.set(row, list);
        if (row >= 0) this.noteRow(row, rows[row - this.count]);
      }
    } else {
      rows.forEach((row, k) => {
        if (!validate(row)) {
          this.bad.set(this.count + k, [...(validate.errors ?? [])]);
          this.noteRow(this.count + k, row);
        }
      });
    }
    this.count += rows.length;
  }

  findings(): Finding[] {
    const name = this.name;
    if (this.compileError !== null) return [finding(RULE_ID, 'error', 'fail', `table ${name}: its JSON Schema does not compile: ${this.compileError}`, { table: name })];
    if (!this.validatedOnce) this.add([]); // an empty table is still a table (an array schema's minItems sees it)
    const out: Finding[] = [];
    const badRows = [...this.bad.keys()].sort((a, b) => a - b);
    let listed = 0;
    for (const i of badRows) {
      if (listed === MAX_ROW_FINDINGS) break;
      listed++;
      const where = i < 0 ? 'table' : `row ${i}`;
      out.push(finding(RULE_ID, 'error', 'fail', `table ${name}, ${where}: ${describe(this.bad.get(i)!)}`, { table: name, ...(i < 0 ? {} : this.keys.get(i)) }));
    }
    if (badRows.length > 0) {
      const more = badRows.length - listed;
      out.push(
        finding(
          RULE_ID,
          'error',
          'fail',
          `table ${name}: ${badRows.length} of ${this.count} rows invalid` + (more > 0 ? ` (${more} not listed)` : ''),
          { table: name },
          `${badRows.length} invalid`,
          '0 invalid',
        ),
      );
    } else {
      out.push(finding(RULE_ID, 'info', 'pass', `table ${name}: ${this.count} rows valid`, { table: name }));
    }
    return out;
  }
}

/** A table's rows, an array or rows read from disk (one pass), fed to a TableValidation a chunk at a time. */
export function validateTableRows(name: string, table: PublishedTable): Finding[] {
  const v = new TableValidation(name, table.schema);
  if (Array.isArray(table.rows)) v.add(table.rows);
  else {
    let chunk: unknown[] = [];
    for (const row of table.rows) {
      chunk.push(row);
      if (chunk.length === SCHEMA_CHUNK_ROWS) {
        v.add(chunk);
        chunk = [];
      }
    }
    if (chunk.length) v.add(chunk);
  }
  return v.findings();
}

/** Validates every published table against its JSON Schema. */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const name of [...ctx.tables.keys()].sort()) out.push(...validateTableRows(name, ctx.tables.get(name)!));
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  needsFacts: true,
  description: 'Every published table validates against its JSON Schema (draft 2020-12).',
  run,
};
