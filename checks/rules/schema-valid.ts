import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Check, CheckContext, Finding } from '../types.js';
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

function rowKey(row: unknown): { source_id?: string; mention_id?: string; fact_id?: string } {
  if (typeof row !== 'object' || row === null) return {};
  const r = row as Record<string, unknown>;
  const out: { source_id?: string; mention_id?: string; fact_id?: string } = {};
  if (typeof r['source_id'] === 'string') out.source_id = r['source_id'];
  if (typeof r['mention_id'] === 'string') out.mention_id = r['mention_id'];
  if (typeof r['fact_id'] === 'string') out.fact_id = r['fact_id'];
  return out;
}

/**
 * Validates every published table against its JSON Schema (draft 2020-12, all errors, formats).
 * The schema may describe one row, or the whole table (`type: array`): errors are then grouped by row.
 */
async function run(ctx: CheckContext): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const name of [...ctx.tables.keys()].sort()) {
    const { rows, schema } = ctx.tables.get(name)!;
    let validate: ValidateFunction;
    try {
      validate = validatorFor(schema);
    } catch (e) {
      out.push(finding(RULE_ID, 'error', 'fail', `table ${name}: its JSON Schema does not compile: ${(e as Error).message}`, { table: name }));
      continue;
    }
    const isArraySchema = (schema as { type?: unknown }).type === 'array';
    const bad = new Map<number, ErrorObject[]>();
    // the keys of the rows that will be listed (the rows may be read from disk, one pass: not kept)
    const keys = new Map<number, ReturnType<typeof rowKey>>();
    let count = 0;
    const noteRow = (i: number, row: unknown) => {
      if (keys.size < MAX_ROW_FINDINGS) keys.set(i, rowKey(row));
    };
    const arrayErrors = (chunk: unknown[], offset: number) => {
      if (validate(chunk)) return;
      for (const e of validate.errors ?? []) {
        const m = /^\/(\d+)(\/.*)?$/.exec(e.instancePath);
        const row = m ? offset + Number(m[1]) : -1; // -1: the table as a whole (e.g. minItems)
        const list = bad.get(row) ?? [];
        list.push({ ...e, instancePath: m ? (m[2] ?? '') : e.instancePath });
        bad.set(row, list);
        if (row >= 0 && !keys.has(row)) noteRow(row, chunk[row - offset]);
      }
    };
    if (isArraySchema && Array.isArray(rows)) {
      count = rows.length;
      arrayErrors(rows, 0);
    } else if (isArraySchema) {
      // an array schema over rows read from disk: validated a chunk at a time, errors at the rows' own indices
      // (the published schemas constrain only the items: no table-wide keyword sees less than the whole table)
      let chunk: unknown[] = [];
      for (const row of rows) {
        chunk.push(row);
        if (chunk.length === SCHEMA_CHUNK_ROWS) {
          arrayErrors(chunk, count);
          count += chunk.length;
          chunk = [];
        }
      }
      if (chunk.length || count === 0) arrayErrors(chunk, count);
      count += chunk.length;
    } else {
      for (const row of rows) {
        if (!validate(row)) {
          bad.set(count, [...(validate.errors ?? [])]);
          noteRow(count, row);
        }
        count++;
      }
    }
    const badRows = [...bad.keys()].sort((a, b) => a - b);
    let listed = 0;
    for (const i of badRows) {
      if (listed === MAX_ROW_FINDINGS) break;
      listed++;
      const where = i < 0 ? 'table' : `row ${i}`;
      out.push(
        finding(RULE_ID, 'error', 'fail', `table ${name}, ${where}: ${describe(bad.get(i)!)}`, {
          table: name,
          ...(i < 0 ? {} : keys.get(i)),
        }),
      );
    }
    if (badRows.length > 0) {
      const more = badRows.length - listed;
      out.push(
        finding(
          RULE_ID,
          'error',
          'fail',
          `table ${name}: ${badRows.length} of ${count} rows invalid` + (more > 0 ? ` (${more} not listed)` : ''),
          { table: name },
          `${badRows.length} invalid`,
          '0 invalid',
        ),
      );
    } else {
      out.push(finding(RULE_ID, 'info', 'pass', `table ${name}: ${count} rows valid`, { table: name }));
    }
  }
  return out;
}

export const check: Check = {
  ruleId: RULE_ID,
  needsFacts: true,
  description: 'Every published table validates against its JSON Schema (draft 2020-12).',
  run,
};
