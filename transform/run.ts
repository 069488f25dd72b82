import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdb } from '../pipeline/duckdb.js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { columnsOf, duckdbColumns, FactSchema, SeriesRowSchema, sqlSelectList, type Fact, type SeriesRow } from '../contracts/index.js';

/**
 * mentions.json + sources.json (+ metric kinds, rules, curated decisions) → facts and series, in DuckDB.
 *
 * The SQL models `NNN_name.sql` in this folder run in file-name order; after each, the queries in its
 * `NNN_name.assert.sql` (if any) must return zero rows, or the run fails naming the broken invariant.
 */

// ---------------------------------------------------------------------------------------------- records

// The facts and series rows are published tables: declared once, in contracts/tables.ts.
export { FACT_STATUSES, FactSchema, SeriesRowSchema, type Fact, type SeriesRow } from '../contracts/index.js';

// ------------------------------------------------------------------------------------- rules, decisions

export const RULE_NAMES = ['prefer_precise_inside', 'prefer_statistical_release', 'latest_publication'] as const;

export const RulesFileSchema = z
  .object({
    source_kinds: z.array(
      z.object({ kind: z.string().min(1), publisher_pattern: z.string().min(1) }).strict(),
    ),
    rules: z.array(
      z.object({ id: z.string().regex(/^R\d+$/), name: z.enum(RULE_NAMES), description: z.string().min(1) }).strict(),
    ),
  })
  .strict()
  .superRefine((f, ctx) => {
    const ids = f.rules.map((r) => r.id);
    const names = f.rules.map((r) => r.name);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'rule ids must be unique' });
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: 'each rule name may appear once' });
    if (!names.includes('prefer_precise_inside'))
      ctx.addIssue({ code: 'custom', message: 'prefer_precise_inside is required: it chooses the value of agreeing mentions' });
    for (const k of f.source_kinds) {
      try {
        new RegExp(k.publisher_pattern);
      } catch {
        ctx.addIssue({ code: 'custom', message: `source kind ${k.kind}: bad publisher_pattern` });
      }
    }
  });
export type RulesFile = z.infer<typeof RulesFileSchema>;

const PERIOD_RE = /^\d{4}(-(H[12]|Q[1-4]|\d{2}(-\d{2})?))?(\/\d{4}(-(H[12]|Q[1-4]|\d{2}(-\d{2})?))?)?$/;

export const DecisionSchema = z
  .object({
    id: z.string().min(1),
    /** select by id … */
    mention_id: z.string().regex(/^m_[0-9a-f]{16}$/).optional(),
    /** … or by quote: source + exact quote + (optional) text just before it */
    source_id: z.string().min(1).optional(),
    exact: z.string().min(1).optional(),
    prefix: z.string().min(1).optional(),
    /** pin how the mention is read */
    pin: z
      .object({
        metric: z.string().min(1).optional(),
        subject: z.string().min(1).optional(),
        period: z.string().regex(PERIOD_RE, 'period like 2012, 2012-H1, 2013-Q1/2013-Q3, 2012-07, 2024-07-24').optional(),
      })
      .strict()
      .optional(),
    /** settle the conflict the mention is part of, in its favour */
    choose: z.literal(true).optional(),
    reason: z.string().min(1),
  })
  .strict()
  .superRefine((d, ctx) => {
    const byId = d.mention_id !== undefined;
    const byQuote = d.source_id !== undefined || d.exact !== undefined || d.prefix !== undefined;
    if (byId === byQuote) ctx.addIssue({ code: 'custom', message: `decision ${d.id}: give either mention_id or source_id + exact (+ prefix)` });
    if (byQuote && (d.source_id === undefined || d.exact === undefined))
      ctx.addIssue({ code: 'custom', message: `decision ${d.id}: a quote selector needs source_id and exact` });
    const pins = d.pin === undefined ? 0 : Object.keys(d.pin).length;
    if ((pins > 0) === (d.choose === true))
      ctx.addIssue({ code: 'custom', message: `decision ${d.id}: give either a non-empty pin or choose: true` });
  });
export type Decision = z.infer<typeof DecisionSchema>;

export const DecisionsFileSchema = z
  .object({ decisions: z.array(DecisionSchema) })
  .strict()
  .superRefine((f, ctx) => {
    const ids = f.decisions.map((d) => d.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'decision ids must be unique' });
  });

function readYaml<T>(file: string, schema: z.ZodType<T>, what: string): T {
  const parsed = schema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${what} ${file} is invalid: ${issues}`);
  }
  return parsed.data;
}

export const loadRules = (file: string): RulesFile => readYaml(file, RulesFileSchema, 'rules file');
export const loadDecisions = (file: string): Decision[] => readYaml(file, DecisionsFileSchema, 'decisions file').decisions;

// ----------------------------------------------------------------------------------------- the models

/** The folder holding the SQL models (from the .ts sources, or from dist/transform/). */
export function transformDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.join(here, '..', '..', 'transform')]) {
    if (existsSync(path.join(dir, '010_stage_mentions.sql'))) return dir;
  }
  throw new Error(`cannot find the transform SQL models near ${here}`);
}

export interface Model {
  name: string;
  sql: string;
  asserts: AssertQuery[];
}

/** `NNN_name.sql` in run order, each with the invariants of `NNN_name.assert.sql`. */
export function listModels(dir = transformDir()): Model[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const assertFile = path.join(dir, f.replace(/\.sql$/, '.assert.sql'));
      return {
        name: f,
        sql: readFileSync(path.join(dir, f), 'utf8'),
        asserts: existsSync(assertFile) ? parseAsserts(readFileSync(assertFile, 'utf8')) : [],
      };
    });
}

export interface AssertQuery {
  name: string;
  sql: string;
}

/** An assert file: blocks that each start with a `-- assert: <what must hold>` line, one query each. */
export function parseAsserts(text: string): AssertQuery[] {
  const out: AssertQuery[] = [];
  let current: { name: string; lines: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    const sql = current.lines.join('\n').trim().replace(/;\s*$/, '');
    if (sql === '') throw new Error(`assertion "${current.name}" has no query`);
    out.push({ name: current.name, sql });
  };
  for (const line of text.split('\n')) {
    const m = /^--\s*assert:\s*(.+)$/.exec(line);
    if (m) {
      flush();
      current = { name: m[1]!.trim(), lines: [] };
    } else if (current) current.lines.push(line);
  }
  flush();
  return out;
}

export class InvariantError extends Error {
  constructor(
    readonly model: string,
    readonly assertion: string,
    readonly rows: Record<string, unknown>[],
  ) {
    const shown = rows.slice(0, 5).map((r) => JSON.stringify(r)).join('\n  ');
    super(
      `transform invariant broken after ${model}: "${assertion}" — ${rows.length} offending row(s):\n  ${shown}` +
        (rows.length > 5 ? `\n  … and ${rows.length - 5} more` : ''),
    );
    this.name = 'InvariantError';
  }
}

/** Run invariant queries; the first that returns rows throws an InvariantError naming it. */
export async function runAsserts(con: DuckDBConnection, model: string, asserts: AssertQuery[]): Promise<void> {
  for (const a of asserts) {
    const reader = await con.runAndReadAll(a.sql).catch((e: unknown) => {
      throw new Error(`transform invariant "${a.name}" of ${model} could not be checked: ${(e as Error).message}`);
    });
    const rows = reader.getRowObjectsJson();
    if (rows.length > 0) throw new InvariantError(model, a.name, rows);
  }
}

// ------------------------------------------------------------------------------------------ loading

// Only the columns the models read, with their published types: the sentence, context and provenance
// columns stay in mentions.json (a million mentions with their sentences would otherwise be held in DuckDB
// for nothing). Staging (010_stage_mentions.sql) casts them to what the models use.
// (also the columns of an extraction shard's Parquet file of mentions: pipeline/shards.ts)
export const MENTION_FIELDS = [
  'mention_id', 'source_id', 'quote', 'prefix', 'value', 'unit', 'bound', 'lo', 'hi',
  'lo_exclusive', 'hi_exclusive', 'metric', 'subject', 'period', 'period_basis', 'is_target', 'paired_mention_id',
];
// staging TRY_CASTs the publication date: a malformed one reads as unknown, it does not stop the run
const SOURCE_COLUMNS = duckdbColumns('sources', undefined, { datesAsText: true });

// the published metrics table's own columns (contracts/), those the models read
const METRIC_FIELDS = ['id', 'kind', 'unit_kinds'];
const METRIC_COLUMNS = duckdbColumns('metrics', METRIC_FIELDS);

async function loadInputs(con: DuckDBConnection, input: TransformInput, rules: RulesFile, decisions: Decision[]): Promise<void> {
  // a JSON array or newline-delimited JSON (what the build writes: DuckDB reads it in parallel)
  const formatOf = (file: string): string => {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(64);
      const n = readSync(fd, head, 0, 64, 0);
      return n > 0 && /^\s*\[/.test(head.subarray(0, n).toString('utf8')) ? 'array' : 'newline_delimited';
    } finally {
      closeSync(fd);
    }
  };
  const readJson = (columns: string, file: string) =>
    `SELECT * FROM read_json(?, format = '${formatOf(file)}', columns = ${columns})`;
  // several files (extraction shards) are read as one table; they share one format, the first's
  const mentionFiles = typeof input.mentionsPath === 'string' ? [input.mentionsPath] : [...input.mentionsPath];
  if (mentionFiles.length === 0) throw new Error('runTransform: mentionsPath names no file');
  const parquet = mentionFiles[0]!.endsWith('.parquet');
  if (mentionFiles.some((f) => f.endsWith('.parquet') !== parquet)) throw new Error('runTransform: the mention files are either all Parquet or all JSON');
  // The text before a quote is read only by a decision that selects its mention by quote and prefix: without
  // such a decision it is not loaded (a NULL column in a view instead; 10,000,000 mentions: ~0.5 GB less for
  // DuckDB to hold and spill).
  const needsPrefix = decisions.some((d) => d.prefix !== undefined);
  const fields = needsPrefix ? MENTION_FIELDS : MENTION_FIELDS.filter((f) => f !== 'prefix');
  const mentionColumns = duckdbColumns('mentions', fields);
  // Parquet shards (pipeline/shards.ts) hold these columns with these types: only the ones read are decoded
  const readMentions = parquet ? `SELECT ${fields.join(', ')} FROM read_parquet(?)` : readJson(mentionColumns, mentionFiles[0]!);
  await con.run(`CREATE OR REPLACE TABLE raw_mention_rows AS ${readMentions}`, [
    mentionFiles.length === 1 ? mentionFiles[0]! : duckdb().listValue(mentionFiles),
  ]);
  await con.run(`CREATE OR REPLACE VIEW raw_mentions AS SELECT *${needsPrefix ? '' : ', CAST(NULL AS VARCHAR) AS prefix'} FROM raw_mention_rows`);
  await con.run(`CREATE OR REPLACE TABLE raw_sources AS ${readJson(SOURCE_COLUMNS, input.sourcesPath)}`, [input.sourcesPath]);
  if (input.metricsPath !== undefined) {
    await con.run(`CREATE OR REPLACE TABLE raw_metrics AS ${readJson(METRIC_COLUMNS, input.metricsPath)}`, [input.metricsPath]);
  } else {
    const cols = columnsOf('metrics').filter((c) => METRIC_FIELDS.includes(c.name));
    await con.run(`CREATE OR REPLACE TABLE raw_metrics (${cols.map((c) => `${c.name} ${c.duckdbType}`).join(', ')})`);
  }

  await con.run(`CREATE OR REPLACE TABLE raw_rules (rule_id VARCHAR, rule_name VARCHAR, rule_order INTEGER, description VARCHAR)`);
  for (const [i, r] of rules.rules.entries()) {
    await con.run(`INSERT INTO raw_rules VALUES (?, ?, ?, ?)`, [r.id, r.name, i + 1, r.description]);
  }
  await con.run(`CREATE OR REPLACE TABLE raw_source_kinds (source_kind VARCHAR, publisher_pattern VARCHAR, kind_rank INTEGER)`);
  for (const [i, k] of rules.source_kinds.entries()) {
    await con.run(`INSERT INTO raw_source_kinds VALUES (?, ?, ?)`, [k.kind, k.publisher_pattern, i + 1]);
  }

  await con.run(`CREATE OR REPLACE TABLE raw_decisions (
    decision_id VARCHAR, decision_order INTEGER, mention_id VARCHAR, source_id VARCHAR, exact VARCHAR, prefix VARCHAR,
    pin_metric VARCHAR, pin_subject VARCHAR, pin_period VARCHAR, choose BOOLEAN, reason VARCHAR)`);
  for (const [i, d] of decisions.entries()) {
    await con.run(`INSERT INTO raw_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      d.id,
      i + 1,
      d.mention_id ?? null,
      d.source_id ?? null,
      d.exact ?? null,
      d.prefix ?? null,
      d.pin?.metric ?? null,
      d.pin?.subject ?? null,
      d.pin?.period ?? null,
      d.choose === true,
      d.reason,
    ]);
  }
}

// ------------------------------------------------------------------------------------------- the run

export interface TransformInput {
  /**
   * one mentions file, or the files of a sharded extraction: all JSON arrays, all newline-delimited JSON, or all
   * Parquet files of the mentions' columns (`*.parquet`, as `extract --shard` writes them)
   */
  mentionsPath: string | readonly string[];
  sourcesPath: string;
  /** JSON array [{id, kind: 'stock'|'flow'|'ratio', unit_kinds: [...]}] written by the build from the lexicon */
  metricsPath?: string;
  /** curated decisions (YAML); none when omitted */
  decisionsPath?: string;
  /** the dataset's rules (YAML): which reconciliation rules apply, in which order */
  rulesPath: string;
  /** default ':memory:'; a file keeps every intermediate table for inspection */
  dbPath?: string;
  /** the run's memory limit, e.g. '1GB' (default): DuckDB gets DUCKDB_SHARE_OF_LIMIT of it, larger work spills to a temporary folder */
  memoryLimit?: string;
  /** keep the tables in a database file in the spill folder (default: past ON_DISK_PAST_LIMITS × memoryLimit of mentions) */
  onDisk?: boolean;
  /** told each step's wall time once it is done ('load' for reading the inputs, then each model's file name) */
  onStepTimed?: (step: string, seconds: number) => void;
}

export interface TransformResult {
  facts: Fact[];
  series: SeriesRow[];
  summary: {
    by_status: Record<string, number>;
    /** mentions with metric + subject but no period and not datable (flows, ratios, undated stocks) */
    unscoped: number;
    decisions_applied: number;
    /** what became of every mention: reconciled | alternate_currency | unattributed | unscoped */
    by_fate: Record<string, number>;
  };
}

async function countsBy(con: DuckDBConnection, sql: string): Promise<Record<string, number>> {
  const rows = (await con.runAndReadAll(sql)).getRowObjectsJson();
  const out: Record<string, number> = {};
  for (const r of rows) out[String(r.k)] = Number(r.n);
  return out;
}

/**
 * Mentions larger (as JSON, in all) than this many times the memory limit are reconciled in an on-disk
 * database (see runTransform). Measured with `npm run bench -- --scale-10m` (9.83 GB of NDJSON, 4.9× a 2 GB
 * limit, 2 cores): in memory 74 s and 2.79 GB peak RSS, on disk 174 s and 2.91 GB (compressing the tables
 * costs CPU, and spilling the projected in-memory tables cost less than that). Past 8× the limit the on-disk
 * database is the default; below it an in-memory run that runs out of memory is run again on disk.
 */
export const ON_DISK_PAST_LIMITS = 8;

/** DuckDB's memory limit for a run: the caller's when it is a size DuckDB reads ('2GB'), else 1 GB */
function memoryLimitOf(input: TransformInput): string {
  return /^\d+(?:\.\d+)?\s*[KMGT]?B$/i.test(input.memoryLimit ?? '') ? input.memoryLimit! : '1GB';
}

/**
 * DuckDB's own memory_limit, as a share of the run's: the limit bounds DuckDB's buffer pool, and what DuckDB
 * allocates outside it (an ordered aggregate's per-group buffers, query results being handed over) and the
 * facts read back into JS come on top. At 10,000,000 mentions under a 2 GB limit the process peaked 0.9 GB
 * above DuckDB's limit; three quarters of it leave that room (`npm run bench -- --scale-10m`).
 */
export const DUCKDB_SHARE_OF_LIMIT = 0.75;

/**
 * The memory_limit DuckDB is given for a run under `limit` ('2GB' → '1500MB'); at least 1 MB, because '0MB'
 * makes DuckDB refuse every statement, even in the on-disk retry.
 */
export function duckdbMemoryLimit(limit: string): string {
  return `${Math.max(1, Math.floor((bytesOf(limit) * DUCKDB_SHARE_OF_LIMIT) / 1e6))}MB`;
}

/** DuckDB's out-of-memory error ("Out of Memory Error: …could not allocate…") */
function outOfMemory(e: unknown): boolean {
  return e instanceof Error && /out of memory/i.test(e.message);
}

/** '2GB' → bytes (DuckDB's KB … TB are powers of 1000; '2GB' is 1.86 GiB) */
function bytesOf(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)B$/i.exec(limit);
  if (!m) return 0;
  return Number(m[1]) * 1000 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase());
}

/** Whether mentions of this many bytes (as JSON) are reconciled in an on-disk database under this memory limit. */
export function reconcileOnDisk(mentionBytes: number, memoryLimit: string): boolean {
  return mentionBytes > ON_DISK_PAST_LIMITS * bytesOf(memoryLimit);
}

function mentionBytes(files: string | readonly string[]): number {
  let n = 0;
  for (const f of typeof files === 'string' ? [files] : files) n += existsSync(f) ? statSync(f).size : 0;
  return n;
}

/** Drops every table and view but `keep` (their memory goes back to DuckDB's buffer pool). */
async function dropAllBut(con: DuckDBConnection, keep: readonly string[]): Promise<void> {
  const objects = (
    await con.runAndReadAll(
      `SELECT view_name AS name, 'VIEW' AS kind FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
       UNION ALL SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'
       ORDER BY kind DESC, name`,
    )
  ).getRowObjectsJson();
  for (const o of objects) {
    const name = String(o.name);
    // names are the models' own (checked identifiers), never a document's
    if (keep.includes(name) || !/^[a-z_][a-z0-9_]*$/.test(name)) continue;
    await con.run(`DROP ${o.kind === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${name}`);
  }
}

export async function runTransform(input: TransformInput): Promise<TransformResult> {
  if (input.onDisk !== undefined || input.dbPath !== undefined) return runTransformOnce(input);
  return withOnDiskFallback(reconcileOnDisk(mentionBytes(input.mentionsPath), memoryLimitOf(input)), (onDisk) => runTransformOnce({ ...input, onDisk }));
}

/**
 * Runs in memory or on disk as the size rule says; the rule is a guess (fixed overheads count more under a small
 * limit: 1,000,000 mentions under 200 MB ran out of memory in memory and fitted on disk), so what runs out of
 * memory in memory runs again with its tables in a database file.
 */
export async function withOnDiskFallback<T>(onDisk: boolean, run: (onDisk: boolean) => Promise<T>): Promise<T> {
  try {
    return await run(onDisk);
  } catch (e) {
    if (onDisk || !outOfMemory(e)) throw e;
    return run(true);
  }
}

async function runTransformOnce(input: TransformInput): Promise<TransformResult> {
  const rules = loadRules(input.rulesPath);
  const decisions = input.decisionsPath === undefined ? [] : loadDecisions(input.decisionsPath);
  const models = listModels();

  // Memory stays bounded whatever the number of mentions: past the limit DuckDB spills to a temporary
  // folder of its own (removed afterwards) instead of growing (1,000,000 mentions: 2.9 GB → 1.4 GB peak).
  const spill = mkdtempSync(path.join(os.tmpdir(), 'figtrail-duckdb-'));
  // Past ON_DISK_PAST_LIMITS × the memory limit of mentions, the tables live in a database file in that
  // folder rather than in memory: a file's tables are compressed as they are written (ids and repeated words
  // to a fraction) and DuckDB can drop their pages from memory without writing them out, where in-memory
  // tables spill whole and uncompressed (10,000,000 mentions: ≈ 9 GB of tables past a 2 GB limit). Small
  // inputs stay in memory, where the models run faster (compressing costs CPU).
  const memoryLimit = memoryLimitOf(input);
  const onDisk = input.onDisk === true; // runTransform decided it (or the caller did)
  const dbFile = input.dbPath ?? (onDisk ? path.join(spill, 'transform.duckdb') : ':memory:');
  let instance: DuckDBInstance;
  try {
    instance = await duckdb().DuckDBInstance.create(dbFile);
  } catch (e) {
    rmSync(spill, { recursive: true, force: true });
    throw e;
  }
  const con = await instance.connect();
  try {
    // SET takes no bound parameters; both values are ours (a checked size, a folder we just made), never a document's
    await con.run(`SET memory_limit = '${duckdbMemoryLimit(memoryLimit)}'`);
    await con.run(`SET temp_directory = '${spill.replace(/'/g, "''")}'`);
    // Rows may be produced in any order: every list and text the models build is ordered explicitly
    // (ORDER BY inside the aggregate) and every result read below has its ORDER BY, so the output stays
    // byte-identical while DuckDB need not keep 10,000,000 mentions in file order through each join.
    await con.run(`SET preserve_insertion_order = false`);
    let t0 = performance.now();
    const timed = (step: string) => {
      const t1 = performance.now();
      input.onStepTimed?.(step, (t1 - t0) / 1000);
      t0 = t1;
    };
    await loadInputs(con, input, rules, decisions);
    timed('load');
    for (const model of models) {
      try {
        await con.run(model.sql);
      } catch (e) {
        throw new Error(`transform model ${model.name} failed: ${(e as Error).message}`);
      }
      // on disk, what the model wrote goes to the file now rather than staying in memory as unwritten pages
      if (dbFile !== ':memory:' && input.dbPath === undefined) await con.run('CHECKPOINT');
      await runAsserts(con, model.name, model.asserts);
      timed(model.name);
    }

    const by_status = await countsBy(con, `SELECT status AS k, count(*) AS n FROM facts GROUP BY status ORDER BY status`);
    const by_fate = await countsBy(con, `SELECT fate AS k, count(*) AS n FROM mention_fates GROUP BY fate ORDER BY fate`);
    const applied = (
      await con.runAndReadAll(
        `SELECT count(*) AS n FROM (
           SELECT decision_id FROM decision_pins
           UNION SELECT substr(rule, length('decision:') + 1) FROM facts WHERE rule LIKE 'decision:%')`,
      )
    ).getRowObjectsJson();
    // DuckDB holds the intermediate tables (in memory) or caches their pages (on disk) up to its whole memory
    // limit, on top of which the facts are then read into JS: dropped, they give that memory back. Only facts
    // and series are read from here on.
    if (input.dbPath === undefined) await dropAllBut(con, ['facts', 'series']);
    timed('summary');

    // read in chunks as DuckDB produces them: no second copy of every row as one large result
    // id lists travel as one space-separated string (ids have no spaces): reading a list value per id is
    // the slowest part of handing a million mentions' facts back to JS
    const ids = (v: unknown) => (typeof v === 'string' && v.length ? v.split(' ') : []);
    const facts: Fact[] = [];
    const factRows = await con.stream(
      `SELECT ${sqlSelectList('facts', { listsAsText: true })} FROM facts ORDER BY metric, subject, period_end, period_start, period, unit, is_target, fact_id`,
    );
    for await (const rows of factRows.yieldRowObjectJson()) {
      for (const r of rows) facts.push(FactSchema.parse({ ...r, mention_ids: ids(r.mention_ids), alt_mention_ids: ids(r.alt_mention_ids) }));
    }
    const series: SeriesRow[] = [];
    const seriesRows = await con.stream(
      `SELECT ${sqlSelectList('series')}
       FROM series ORDER BY metric, subject, period_end, period_start DESC, period, fact_id`,
    );
    for await (const rows of seriesRows.yieldRowObjectJson()) for (const r of rows) series.push(SeriesRowSchema.parse(r));

    return {
      facts,
      series,
      summary: { by_status, unscoped: by_fate.unscoped ?? 0, decisions_applied: Number(applied[0]?.n ?? 0), by_fate },
    };
  } finally {
    con.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}
