import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../extract/manifest.js';
import { duckdb } from './duckdb.js';
import { arrayChunkErrors, validatorFor } from '../checks/rules/schema-valid.js';
import { columnsOf, duckdbColumns, PLACE_KEYS, primaryKeyOf, TABLE_NAMES, TABLE_SCHEMAS, TABLES, tableDescription, type Column, type TableName } from '../contracts/index.js';

/**
 * Publishing: the tables as JSON + JSON Schema + Parquet, a data dictionary, a Frictionless data
 * package and SHA256SUMS. Same inputs → byte-identical files.
 */

export interface PublishMeta {
  datasetVersion: string;
  figtrailVersion: string;
  gitCommit: string;
  /** source_id → sha256, plus lexicon / rules hashes */
  inputHashes: Record<string, string>;
  /** seconds since 1970 (SOURCE_DATE_EPOCH); null: no dates are written */
  sourceDateEpoch: number | null;
  /** the dataset the tables belong to (its dataset.yaml name and title), named in datapackage.json */
  dataset?: { name: string; title: string };
}

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

/** Files publishTables writes for each table. */
export function tableFiles(name: TableName): string[] {
  return [`${name}.json`, `${name}.schema.json`, `${name}.parquet`];
}
/** Every file publishTables itself writes (everything else in the folder is the caller's). */
export function publishedFiles(): string[] {
  return [...TABLE_NAMES.flatMap(tableFiles), 'dictionary.md', 'datapackage.json', 'SHA256SUMS'];
}

// ---------------------------------------------------------------------------------------------
// rows

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A check finding `{rule_id, severity, status, message, place: {...}, actual, expected}` becomes a
 * flat checks row (place → place_* columns). Rows that are already flat pass through unchanged.
 */
export function flattenCheckRow(row: Record<string, unknown>): Record<string, unknown> {
  if (!('place' in row)) return row;
  const { place, ...rest } = row;
  const p: Record<string, unknown> = isPlainObject(place) ? place : {};
  const shown = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
  const out: Record<string, unknown> = { ...rest, status: rest.status ?? 'fail', actual: shown(rest.actual), expected: shown(rest.expected) };
  for (const k of PLACE_KEYS) out[`place_${k}`] = p[k] ?? null;
  return out;
}

function coerce(col: Column, v: unknown): unknown {
  if (v === undefined) return v;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) return v; // rejected below
    return Number(v);
  }
  // DuckDB's JSON row reader renders BIGINT as a decimal string
  if (col.kind === 'integer' && typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  if (col.kind === 'date' && v instanceof Date) return v.toISOString().slice(0, 10);
  // a list that some writer left as a JSON-encoded or comma-separated string
  if (col.kind === 'string[]' && typeof v === 'string') {
    if (v.trimStart().startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(v);
        if (Array.isArray(parsed)) return parsed;
      } catch {
        /* validation reports it */
      }
      return v;
    }
    return v.trim() === '' ? [] : v.split(',').map((x) => x.trim());
  }
  return v;
}

/** Problems with a table's rows, as a PublishError names them: the first 20 and how many more. */
class RowProblems {
  readonly shown: string[] = [];
  count = 0;
  add(problem: string): void {
    if (this.shown.length < 20) this.shown.push(problem);
    this.count++;
  }
  throwIfAny(name: TableName): void {
    if (this.count === 0) return;
    throw new PublishError(`invalid ${name} rows:\n  ${this.shown.join('\n  ')}${this.count > this.shown.length ? `\n  … ${this.count - this.shown.length} more` : ''}`);
  }
}

/** One row with keys in column order (coerced); what is wrong with it goes to `problems`. */
function prepareRow(name: TableName, cols: readonly Column[], colNames: ReadonlySet<string>, raw: unknown, i: number, problems: RowProblems): Record<string, unknown> | null {
  if (!isPlainObject(raw)) {
    problems.add(`${name}[${i}]: not an object`);
    return null;
  }
  const src = name === 'checks' ? flattenCheckRow(raw) : raw;
  const row: Record<string, unknown> = {};
  for (const c of cols) {
    if (!(c.name in src) || src[c.name] === undefined) {
      problems.add(`${name}[${i}]: missing column ${c.name}`);
      continue;
    }
    const v = coerce(c, src[c.name]);
    if (typeof v === 'number' && !Number.isFinite(v)) problems.add(`${name}[${i}].${c.name}: ${v} is not a finite number`);
    row[c.name] = v;
  }
  for (const k of Object.keys(src)) if (!colNames.has(k)) problems.add(`${name}[${i}]: unknown column ${k}`);
  return row;
}

/** The schema's errors over rows [offset, offset + rows.length) of a table, named by their row index in it. */
function schemaProblems(name: TableName, rows: readonly Record<string, unknown>[], offset: number, problems: RowProblems): void {
  // the schema-valid check's validator and chunked validation (compiled once per process)
  for (const { row, error } of arrayChunkErrors(validatorFor(TABLE_SCHEMAS[name]), rows, offset)) {
    problems.add(`${name}${row >= 0 ? `[${row}]${error.instancePath.replace(/\//g, '.')}` : error.instancePath}: ${error.message ?? 'invalid'}`);
  }
}

/**
 * Validates rows against the table's JSON Schema and returns them with keys in column order.
 * Throws a PublishError naming the first offending rows.
 */
export function prepareRows(name: TableName, rows: readonly unknown[], opts: { schemaChecked?: boolean } = {}): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  writeTableRows(name, rows, { ...opts, write: () => {}, keep: out });
  return out;
}

/** Rows validated and written a chunk at a time (a table of a large corpus is never whole in memory). */
const PUBLISH_CHUNK_ROWS = 2000;

/**
 * Prepares and validates a table's rows a chunk at a time, as they come, and hands each chunk's published JSON
 * text (an array with one row per line, keys in column order: `[]` when empty) to `write`; `keep` collects the prepared rows when the caller needs them. The published
 * schemas constrain only the items, so validating chunk by chunk finds what validating the whole table would
 * (arrayChunkErrors); the schema's errors are reported only when every row has the table's columns.
 */
class TableRowsWriter {
  private readonly cols: readonly Column[];
  private readonly colNames: ReadonlySet<string>;
  private readonly shape = new RowProblems();
  private readonly schema = new RowProblems();
  private n = 0;
  private chunk: Record<string, unknown>[] = [];

  constructor(
    readonly name: TableName,
    private readonly opts: { schemaChecked?: boolean; write: (text: string) => void; keep?: Record<string, unknown>[] },
  ) {
    this.cols = columnsOf(name);
    this.colNames = new Set(this.cols.map((c) => c.name));
  }

  add(raw: unknown): void {
    const row = prepareRow(this.name, this.cols, this.colNames, raw, this.n++, this.shape);
    if (row) this.chunk.push(row);
    if (this.chunk.length === PUBLISH_CHUNK_ROWS) this.flush();
  }

  private flush(): void {
    const { chunk, n, opts } = this;
    // a table the build's schema-valid check already validated against this very schema is not validated twice
    if (this.shape.count === 0 && !opts.schemaChecked) schemaProblems(this.name, chunk, n - chunk.length, this.schema);
    if (this.shape.count === 0 && this.schema.count === 0 && chunk.length) {
      let text = '';
      for (let k = 0; k < chunk.length; k++) text += `${n - chunk.length + k === 0 ? '[\n' : ',\n'}${JSON.stringify(chunk[k])}`;
      opts.write(text);
    }
    if (opts.keep) for (const r of chunk) opts.keep.push(r);
    this.chunk = [];
  }

  /** Whether every row so far has exactly the table's columns, each of a publishable value. */
  get shapeOk(): boolean {
    return this.shape.count === 0;
  }

  /** The table's end: throws the PublishError that names its bad rows, else writes the closing text; its row count. */
  finish(): number {
    this.flush();
    this.shape.throwIfAny(this.name);
    this.schema.throwIfAny(this.name);
    this.opts.write(this.n === 0 ? '[]\n' : '\n]\n');
    return this.n;
  }
}

function writeTableRows(name: TableName, rows: Iterable<unknown>, opts: ConstructorParameters<typeof TableRowsWriter>[1]): number {
  const w = new TableRowsWriter(name, opts);
  for (const raw of rows) w.add(raw);
  return w.finish();
}

/**
 * Whether a row read back from JSON is already as publish would write it: exactly the table's columns, in column
 * order, each value one that prepareRow keeps as it is. JSON.stringify of such a row is the row's published line.
 */
function inPublishedForm(cols: readonly Column[], raw: unknown): boolean {
  if (!isPlainObject(raw)) return false;
  const keys = Object.keys(raw);
  if (keys.length !== cols.length) return false;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    if (keys[i] !== c.name) return false;
    const v = raw[c.name];
    if (v === undefined || coerce(c, v) !== v || (typeof v === 'number' && !Number.isFinite(v))) return false;
  }
  return true;
}

/**
 * Writes a table's published JSON (one row per line, as TableRowsWriter writes it) from the newline-delimited JSON its rows were read from: the file's
 * lines, joined by ",\n" inside "[\n" … "\n]\n", copied as bytes. Only for lines that JSON.stringify wrote from
 * rows in published form (see PublishedJsonFile); returns how many lines it copied.
 */
function jsonArrayFromNdjson(ndjsonFile: string, outFile: string): number {
  const src = openSync(ndjsonFile, 'r');
  const out = openSync(outFile, 'w');
  try {
    const buf = Buffer.alloc(1 << 20);
    const first = Buffer.from('[\n');
    const between = Buffer.from(',\n');
    let lines = 0;
    let inLine = false;
    for (;;) {
      const n = readSync(src, buf, 0, buf.length, null);
      if (n === 0) break;
      const pieces: Buffer[] = [];
      let from = 0;
      while (from < n) {
        let nl = buf.indexOf(10, from);
        if (nl < 0 || nl >= n) nl = n;
        if (nl > from) {
          if (!inLine) {
            pieces.push(lines === 0 ? first : between); // a line starts: the separator before it
            lines++;
            inLine = true;
          }
          pieces.push(buf.subarray(from, nl));
        }
        if (nl < n) inLine = false;
        from = nl + 1;
      }
      if (pieces.length) writeSync(out, Buffer.concat(pieces));
    }
    writeSync(out, lines === 0 ? '[]\n' : '\n]\n');
    return lines;
  } finally {
    closeSync(src);
    closeSync(out);
  }
}

/**
 * A table's published JSON file, made on another pass over its rows (a build: the mentions and skips, on the
 * checks' one pass while DuckDB reconciles), so publish need not read them from disk again. The rows come from
 * newline-delimited JSON that JSON.stringify wrote (the build's work files): when every row is in published form
 * (columns in order, values kept as they are), each line is that row's published line, and the file is those
 * lines copied as bytes, never parsed or serialised again. Not validated against the schema here: publishTables
 * takes the file (`written`) only for a table the schema-valid check found valid, and writes it from its rows
 * otherwise (as it does when a row is not in published form).
 */
export class PublishedJsonFile {
  private readonly cols: readonly Column[];
  private rows = 0;
  private publishedForm = true;
  private ended = false;
  constructor(
    readonly file: string,
    readonly name: TableName,
    /** the newline-delimited JSON the rows given to add are read from, in its order */
    readonly ndjsonFile: string,
  ) {
    this.cols = columnsOf(name);
  }

  /** The table's next rows, in the order of the lines of ndjsonFile. */
  add(rows: readonly unknown[]): void {
    if (this.ended) throw new Error(`internal: ${this.file} is ended`);
    this.rows += rows.length;
    if (this.publishedForm) for (const r of rows) if (!inPublishedForm(this.cols, r)) this.publishedForm = false;
  }

  /** Writes the file when it can; true when it is the table's complete published JSON. */
  end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (!this.publishedForm) return false;
    // every line was a row given to add (a count that differs: not these rows' file; publish writes it itself)
    return jsonArrayFromNdjson(this.ndjsonFile, this.file) === this.rows;
  }
}

/** Writes a table's JSON file from its rows, a chunk at a time; returns the prepared rows when `keep`. */
function writeTableFile(file: string, name: TableName, rows: Iterable<unknown>, opts: { schemaChecked?: boolean; keep?: boolean }): Record<string, unknown>[] | null {
  const fd = openSync(file, 'w');
  const kept: Record<string, unknown>[] | undefined = opts.keep ? [] : undefined;
  try {
    writeTableRows(name, rows, { ...(opts.schemaChecked ? { schemaChecked: true } : {}), write: (text) => void writeSync(fd, text), ...(kept ? { keep: kept } : {}) });
  } finally {
    closeSync(fd);
  }
  return kept ?? null;
}

// ---------------------------------------------------------------------------------------------
// hashing

/** Hashes already computed in this process, by file and (size, mtime): a publish hashes each file for the
 *  data package and again for SHA256SUMS; a file rewritten since has another mtime or size. */
const hashMemo = new Map<string, { size: number; mtimeNs: bigint; hash: string }>();

export function sha256File(file: string): string {
  const st = statSync(file, { bigint: true });
  const memo = hashMemo.get(file);
  if (memo && memo.size === Number(st.size) && memo.mtimeNs === st.mtimeNs) return memo.hash;
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  hashMemo.set(file, { size: Number(st.size), mtimeNs: st.mtimeNs, hash });
  return hash;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Every regular file under dir (relative, '/'-separated), in byte order of the path. Symlinks are refused. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const ent of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(r);
      else if (ent.isFile()) out.push(r);
      else throw new PublishError(`${path.join(dir, r)}: only regular files and folders can be published`);
    }
  };
  walk('');
  return out.sort(byteOrder);
}

/** Writes SHA256SUMS over every file in dir except SHA256SUMS itself; returns its text. */
export function writeSha256Sums(dir: string): string {
  const lines = listFiles(dir)
    .filter((f) => f !== 'SHA256SUMS')
    .map((f) => {
      if (/[\n\\]/.test(f)) throw new PublishError(`${f}: file names with newlines or backslashes cannot be listed in SHA256SUMS`);
      return `${sha256File(path.join(dir, f))}  ${f}\n`;
    });
  const text = lines.join('');
  writeFileSync(path.join(dir, 'SHA256SUMS'), text);
  return text;
}

/** Checks dir against its SHA256SUMS: returns the problems (empty = all good). */
export function verifySha256Sums(dir: string): string[] {
  const sumsPath = path.join(dir, 'SHA256SUMS');
  if (!existsSync(sumsPath)) return ['SHA256SUMS: missing'];
  const problems: string[] = [];
  const listed = new Set<string>();
  readFileSync(sumsPath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line === '') return;
      const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
      if (!m) {
        problems.push(`SHA256SUMS line ${i + 1}: malformed`);
        return;
      }
      const [, hash, rel] = m as unknown as [string, string, string];
      listed.add(rel);
      const full = path.resolve(dir, rel);
      const inside = path.relative(path.resolve(dir), full);
      if (inside.startsWith('..') || path.isAbsolute(inside)) problems.push(`${rel}: outside the folder`);
      else if (!existsSync(full) || !lstatSync(full).isFile()) problems.push(`${rel}: missing`);
      // verification always reads the bytes again: no memo (timestamps are too coarse to prove a file unchanged)
      else if (sha256Hex(readFileSync(full)) !== hash) problems.push(`${rel}: sha256 mismatch`);
    });
  for (const f of listFiles(dir)) if (f !== 'SHA256SUMS' && !listed.has(f)) problems.push(`${f}: not listed in SHA256SUMS`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// schema, dictionary, data package

function schemaFileJson(name: TableName): string {
  return `${JSON.stringify(TABLE_SCHEMAS[name], null, 2)}\n`;
}

/** Frictionless Table Schema fields derived from the JSON Schema. */
export function tableSchemaOf(name: TableName): Record<string, unknown> {
  const fields = columnsOf(name).map((c) => {
    const f: Record<string, unknown> = { name: c.name };
    if (c.kind === 'string[]') Object.assign(f, { type: 'list', itemType: 'string' });
    else f.type = c.kind;
    f.description = c.description;
    const constraints: Record<string, unknown> = {};
    if (!c.nullable) constraints.required = true;
    if (c.enum) constraints.enum = [...c.enum];
    if (c.pattern && c.kind === 'string') constraints.pattern = c.pattern;
    if (Object.keys(constraints).length) f.constraints = constraints;
    return f;
  });
  const schema: Record<string, unknown> = { fields, missingValues: [] };
  const pk = primaryKeyOf(name);
  if (pk.length) schema.primaryKey = pk;
  return schema;
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The data dictionary: per table, per column name, type, nullability, unit and description (contracts/tables.ts). */
export function dictionaryMarkdown(datasetVersion: string): string {
  const out: string[] = [`# figtrail data dictionary (${datasetVersion})`, ''];
  out.push('Every table is published as `<table>.json` (JSON array, one row per line), `<table>.parquet` (zstd) and `<table>.schema.json` (JSON Schema 2020-12).');
  out.push('Types are the DuckDB / Parquet column types. Character offsets are Unicode code points into `text/<source_id>.txt`, end exclusive.');
  out.push('What a metric id or a subject id means is published with the data: the [metrics](#metrics) and [subjects](#subjects) tables (`metrics.json`, `subjects.json`).');
  out.push('');
  for (const name of TABLE_NAMES) {
    out.push(`## ${name}`, '', tableDescription(name), '');
    const pk = primaryKeyOf(name);
    if (pk.length) out.push(`Key: ${pk.map((k) => `\`${k}\``).join(', ')}`, '');
    out.push('| column | type | null | unit | description |', '| --- | --- | --- | --- | --- |');
    for (const c of columnsOf(name)) {
      const extra = c.enum ? ` One of: ${c.enum.map((e) => `\`${e}\``).join(', ')}.` : '';
      out.push(`| \`${c.name}\` | ${c.duckdbType} | ${c.nullable ? 'yes' : 'no'} | ${c.unit === null ? '' : mdCell(c.unit)} | ${mdCell(c.description + extra)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function isoFromEpoch(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function resourceName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
}

function fileResource(dir: string, rel: string, extra: Record<string, unknown>): Record<string, unknown> {
  const full = path.join(dir, rel);
  return { ...extra, hash: `sha256:${sha256File(full)}`, bytes: lstatSync(full).size };
}

function dataPackage(dir: string, meta: PublishMeta, sources: readonly Record<string, unknown>[]): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const name of TABLE_NAMES) {
    const schema = tableSchemaOf(name);
    for (const [fmt, mediatype] of [
      ['json', 'application/json'],
      ['parquet', 'application/vnd.apache.parquet'],
    ] as const) {
      const fks = TABLES[name].foreignKeys.map((fk) => ({ fields: [fk.column], reference: { resource: `${fk.table}-${fmt}`, fields: [fk.key] } }));
      resources.push(
        fileResource(dir, `${name}.${fmt}`, {
          name: `${name}-${fmt}`,
          type: 'table',
          path: `${name}.${fmt}`,
          format: fmt,
          mediatype,
          ...(fmt === 'json' ? { encoding: 'utf-8' } : {}),
          title: `${name} (${fmt})`,
          description: tableDescription(name),
          schema: fks.length ? { ...schema, foreignKeys: fks } : schema,
        }),
      );
    }
    resources.push(
      fileResource(dir, `${name}.schema.json`, {
        name: `${name}-json-schema`,
        path: `${name}.schema.json`,
        format: 'json',
        mediatype: 'application/schema+json',
        title: `JSON Schema of ${name}.json`,
      }),
    );
  }
  resources.push(fileResource(dir, 'dictionary.md', { name: 'dictionary', path: 'dictionary.md', format: 'md', mediatype: 'text/markdown', title: 'Data dictionary' }));
  const textDir = path.join(dir, 'text');
  if (existsSync(textDir)) {
    const used = new Set(resources.map((r) => r.name as string));
    for (const rel of listFiles(textDir).filter((f) => f.endsWith('.txt'))) {
      let rn = `text-${resourceName(rel.replace(/\.txt$/, ''))}`;
      for (let k = 2; used.has(rn); k++) rn = `text-${resourceName(rel.replace(/\.txt$/, ''))}-${k}`;
      used.add(rn);
      resources.push(
        fileResource(dir, `text/${rel}`, {
          name: rn,
          path: `text/${rel}`,
          format: 'txt',
          mediatype: 'text/plain',
          encoding: 'utf-8',
          title: `Text layer of ${rel.replace(/\.txt$/, '')}`,
        }),
      );
    }
  }
  const pkg: Record<string, unknown> = {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: meta.dataset?.name ?? 'figtrail',
    title: meta.dataset ? `${meta.dataset.title}: figures with provenance (figtrail)` : 'Figures with provenance (figtrail)',
    version: meta.datasetVersion,
  };
  if (meta.sourceDateEpoch !== null) pkg.created = isoFromEpoch(meta.sourceDateEpoch);
  pkg.sources = sources.map((s) => {
    const src: Record<string, unknown> = { title: s.title ?? s.source_id };
    if (typeof s.original_url === 'string') src.path = s.original_url;
    src.source_id = s.source_id;
    if (s.publisher !== null && s.publisher !== undefined) src.publisher = s.publisher;
    if (s.published !== null && s.published !== undefined) src.published = s.published;
    src.sha256 = s.sha256;
    return src;
  });
  pkg.figtrail = { figtrail_version: meta.figtrailVersion, git_commit: meta.gitCommit, input_hashes: sortedObject(meta.inputHashes) };
  pkg.resources = resources;
  return pkg;
}

function sortedObject(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort(byteOrder)) out[k] = o[k] as string;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parquet

/** The DuckDB version written into every Parquet file's metadata (e.g. "v1.5.6"). */
export function duckdbVersion(): string {
  return duckdb().version();
}

/**
 * Rows per Parquet row group. DuckDB's Parquet writer holds a whole row group in memory before it writes it: at its
 * default (122,880 rows) a large corpus's mentions table was one group of ~200 MB, the peak of a scale build.
 * 8,192 rows hold it to ~100 MB less (at the bench's 101,655 mentions: 153 against 269 MB for the Parquet step
 * alone) for ~18 % more bytes in mentions.parquet (more groups, each with its own dictionaries). A table of fewer
 * rows is one group either way, so its bytes do not change (the five archived sources' largest table has ~150).
 */
export const PARQUET_ROW_GROUP_ROWS = 8192;

async function writeParquet(dir: string, names: readonly TableName[], meta: PublishMeta): Promise<void> {
  const instance = await duckdb().DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    await conn.run('SET preserve_insertion_order = true');
    const inputHashes = JSON.stringify(sortedObject(meta.inputHashes));
    for (const name of names) {
      const sql =
        `COPY (SELECT * FROM read_json($1, format = 'array', records = true, columns = ${duckdbColumns(name)})) ` +
        `TO $2 (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP_ROWS}, ` +
        `KV_METADATA {dataset_version: $3, figtrail_version: $4, git_commit: $5, input_hashes: $6, duckdb_version: $7, table_name: $8})`;
      const stmt = await conn.prepare(sql);
      stmt.bindVarchar(1, path.join(dir, `${name}.json`));
      stmt.bindVarchar(2, path.join(dir, `${name}.parquet`));
      stmt.bindVarchar(3, meta.datasetVersion);
      stmt.bindVarchar(4, meta.figtrailVersion);
      stmt.bindVarchar(5, meta.gitCommit);
      stmt.bindVarchar(6, inputHashes);
      stmt.bindVarchar(7, duckdbVersion());
      stmt.bindVarchar(8, name);
      await stmt.run();
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The rows of every published table. Rows are validated against the table's contract here (they may come
 * from a build or from files read back), so they need no particular static type; checks rows may be check
 * findings with a nested place.
 */
export type PublishTables = { readonly [K in TableName]: Iterable<unknown> };

/**
 * Writes every table into dir as JSON, JSON Schema and Parquet, then dictionary.md, datapackage.json
 * and finally SHA256SUMS over every file in dir (including text/ and anything else the caller put there
 * before calling). Rows keep the order given; checks rows may be check findings with a nested place.
 */
export async function publishTables(
  dir: string,
  tables: PublishTables,
  meta: PublishMeta,
  opts: {
    /** tables the build's schema-valid check found valid against these very schemas: not validated again */
    schemaChecked?: readonly string[];
    /** tables whose JSON file in dir a PublishedJsonFile wrote from these very rows (used only when schemaChecked) */
    written?: readonly string[];
  } = {},
): Promise<void> {
  if (meta.sourceDateEpoch !== null && !(Number.isInteger(meta.sourceDateEpoch) && meta.sourceDateEpoch >= 0)) {
    throw new PublishError(`sourceDateEpoch must be a non-negative integer (SOURCE_DATE_EPOCH), got ${meta.sourceDateEpoch}`);
  }
  const unknown = Object.keys(tables).filter((k) => !(TABLE_NAMES as readonly string[]).includes(k));
  if (unknown.length) throw new PublishError(`unknown tables: ${unknown.join(', ')}`);
  for (const name of TABLE_NAMES) {
    const rows = tables[name] as unknown;
    if (rows === null || typeof rows !== 'object' || !(Symbol.iterator in rows) || typeof rows === 'string') throw new PublishError(`table ${name} is missing`);
  }
  mkdirSync(dir, { recursive: true });
  // each table is prepared, validated and written a chunk at a time: a large corpus's mentions are never whole
  // in memory here (they may be rows read from disk: pipeline/rowFile.ts); the sources rows are kept for datapackage.json
  let sources: Record<string, unknown>[] = [];
  for (const name of TABLE_NAMES) {
    const schemaChecked = opts.schemaChecked?.includes(name) ?? false;
    if (!(schemaChecked && name !== 'sources' && opts.written?.includes(name) && existsSync(path.join(dir, `${name}.json`)))) {
      const kept = writeTableFile(path.join(dir, `${name}.json`), name, tables[name], { schemaChecked, keep: name === 'sources' });
      if (kept) sources = kept;
    }
    writeFileSync(path.join(dir, `${name}.schema.json`), schemaFileJson(name));
  }
  await writeParquet(dir, TABLE_NAMES, meta);
  writeFileSync(path.join(dir, 'dictionary.md'), dictionaryMarkdown(meta.datasetVersion));
  writeFileSync(path.join(dir, 'datapackage.json'), `${JSON.stringify(dataPackage(dir, meta, sources), null, 2)}\n`);
  writeSha256Sums(dir);
}
