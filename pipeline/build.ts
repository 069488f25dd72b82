import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasErrors } from '../checks/report.js';
import { loadLexicon, type Lexicon } from '../extract/lexicon.js';
import { readManifest, sha256Hex, type ManifestEntry } from '../extract/manifest.js';
import { readPdfPageTexts } from '../extract/pdf.js';
import type { Mention, Skip, SourceErrorRecord, SourceRow } from '../extract/records.js';
import { CHECKS, loadRelations, runChecks, sortFindings } from '../checks/index.js';
import type { Finding } from '../checks/types.js';
import { runTransform } from '../transform/run.js';
import { publishTables, verifySha256Sums, writeSha256Sums, type PublishMeta } from './publish.js';
import { writeAuditSite } from '../audit/site.js';
import { TABLE_SCHEMAS } from './schemas.js';
import type { SourceResult } from './extractSource.js';
import { extractionVersions, ndjson } from './cache.js';
import { extractAll, type ExtractStats } from './extractAll.js';
import { Progress } from './progress.js';
import { manifestHash, readShards, SHARD_FORMAT, ShardError, shardEntries, ShardWriter, sortManifest, type ShardSet, type ShardSpec } from './shards.js';

/** The project root (works from both the .ts sources and the compiled dist/). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the figtrail project root');
    dir = up;
  }
  return dir;
}

export interface BuildOptions {
  sourcesDir: string;
  outDir: string;
  keepGoing?: boolean;
  maxBytes?: number;
  quiet?: boolean;
  lexiconDir?: string;
  /** curated decisions; defaults to transform/decisions.yaml of the project */
  decisionsPath?: string;
  log?: (line: string) => void;
  /** worker threads for extraction; default os.availableParallelism(); 1 = in-process, no workers */
  jobs?: number;
  /** extraction cache folder; default .cache/figtrail/ in the project root; null = no cache */
  cacheDir?: string | null;
  /** build from shard files (figtrail extract --shard) instead of extracting; files or folders */
  fromShards?: string[];
  /** write the audit site (default true); false only for measurements */
  site?: boolean;
  /** rebuild even when the output folder is up to date (same inputs, code and options as its last build) */
  force?: boolean;
}

export interface BuildResult {
  exitCode: number;
  errors: SourceErrorRecord[];
  findings: Finding[];
  counts: { sources: number; failed: number; mentions: number; mentionsWithoutMetric: number; skips: number; facts: number; byStatus: Record<string, number> };
  /** extraction figures: how many sources were read by the extractor and how many came from the cache */
  extract: ExtractStats;
  /** true: nothing changed since the last build into outDir (which still verifies); nothing was rebuilt */
  upToDate?: boolean;
}

export type { SourceRow } from '../extract/records.js';

export function sourceRow(entry: ManifestEntry, r: SourceResult): SourceRow {
  return {
    source_id: entry.id,
    file: entry.file,
    media_type: entry.media_type,
    title: entry.title,
    publisher: entry.publisher,
    original_url: entry.original_url,
    published: entry.published,
    capture: entry.capture,
    notes: entry.notes,
    sha256: entry.sha256,
    bytes: r.bytes,
    pages: r.pages,
    text_chars: r.textChars,
    text_sha256: r.text === null ? null : sha256Hex(Buffer.from(r.text, 'utf8')),
    status: r.error ? 'error' : 'ok',
    error_reason: r.error ? r.error.reason : null,
  };
}

export function gitCommit(root = projectRoot()): string {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function figtrailVersion(root = projectRoot()): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

function fileHash(file: string): string | null {
  return existsSync(file) ? sha256Hex(readFileSync(file)) : null;
}

/** The lexicon metric kinds, as the transform stage reads them. */
export function metricKinds(lexicon: Lexicon): { id: string; kind: string; unit_kinds: string[] }[] {
  return lexicon.metrics.map((m) => ({ id: m.id, kind: m.kind, unit_kinds: [...m.unit_kinds] })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** A Map of source id → text layer that reads text/<id>.txt on demand (the corpus is never all in memory). */
class TextFiles extends Map<string, string> {
  private readonly known: Set<string>;
  constructor(
    private readonly dir: string,
    private readonly ids: readonly string[],
  ) {
    super();
    this.known = new Set(ids);
  }
  override get(id: string): string | undefined {
    return this.known.has(id) ? readFileSync(path.join(this.dir, `${id}.txt`), 'utf8') : undefined;
  }
  override has(id: string): boolean {
    return this.known.has(id);
  }
  override get size(): number {
    return this.ids.length;
  }
  override *keys(): MapIterator<string> {
    yield* this.ids;
  }
  override *values(): MapIterator<string> {
    for (const id of this.ids) yield this.get(id)!;
  }
  override *entries(): MapIterator<[string, string]> {
    for (const id of this.ids) yield [id, this.get(id)!];
  }
  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
  override forEach(fn: (value: string, key: string, map: Map<string, string>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

/**
 * Fingerprint of the code and dependency versions the build runs: every .ts/.js/.sql/.yaml file of the
 * project's stages and dist/, plus package-lock.json. Any edit changes it (and invalidates the up-to-date record).
 */
export function codeFingerprint(root = projectRoot()): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    const full = path.join(root, rel);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const f of readdirSync(full).sort()) if (f !== 'node_modules' && f !== 'fixtures') walk(path.join(rel, f));
    } else if (/\.(ts|js|mjs|sql|ya?ml|json)$/.test(rel)) {
      h.update(`${rel}\0`).update(readFileSync(full)).update('\0');
    }
  };
  for (const d of ['cli.ts', 'package-lock.json', 'extract', 'transform', 'checks', 'pipeline', 'audit', 'dist']) walk(d);
  return h.digest('hex');
}

interface UpToDateRecord {
  format: 'figtrail-build-record/1';
  key: string;
  sums_sha256: string;
  result: BuildResult;
}

function buildRecordFile(cacheDir: string, outDir: string): string {
  return path.join(cacheDir, 'builds', `${createHash('sha256').update(outDir).digest('hex').slice(0, 32)}.json`);
}

/** The default extraction cache: .cache/figtrail/ in the project root (outside out/, safe to delete). */
export function defaultCacheDir(root = projectRoot()): string {
  return path.join(root, '.cache', 'figtrail');
}

export interface ExtractShardOptions {
  sourcesDir: string;
  outDir: string;
  shard: ShardSpec;
  maxBytes?: number;
  jobs?: number;
  cacheDir?: string | null;
  lexiconDir?: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

/** `figtrail extract --shard i/n`: extracts one shard of the sources into <outDir>/shard-<i>-of-<n>.json. */
export async function extractShard(opts: ExtractShardOptions): Promise<{ file: string; stats: ExtractStats; errors: SourceErrorRecord[] }> {
  const root = projectRoot();
  const log = opts.quiet ? () => {} : (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const sourcesDir = path.resolve(opts.sourcesDir);
  const lexiconDir = opts.lexiconDir ?? path.join(root, 'extract', 'lexicon');
  const manifest = sortManifest(readManifest(sourcesDir));
  const lexicon = loadLexicon(lexiconDir);
  const entries = shardEntries(manifest, opts.shard);
  const header = {
    format: SHARD_FORMAT,
    shard: opts.shard,
    versions: extractionVersions(),
    lexicon_hash: lexicon.hash,
    manifest_sha256: manifestHash(manifest),
    manifest_sources: manifest.length,
  };
  const writer = new ShardWriter(path.resolve(opts.outDir), header, entries);
  const errors: SourceErrorRecord[] = [];
  const stage = new Progress({ quiet: opts.quiet ?? false }).stage(`extract shard ${opts.shard.index}/${opts.shard.count}`, entries.length);
  try {
    const stats = await extractAll(entries, {
      sourcesDir,
      lexiconDir,
      lexicon,
      ...(opts.jobs === undefined ? {} : { jobs: opts.jobs }),
      cacheDir: opts.cacheDir === undefined ? defaultCacheDir(root) : opts.cacheDir,
      progress: stage,
      ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
      onResult: (_entry, r, _i, encoded) => {
        if (r.error) {
          errors.push(r.error);
          log(`error  ${r.error.message}`);
        }
        writer.add({ ...r, layout: encoded.layoutJson === null ? null : (JSON.parse(encoded.layoutJson) as SourceResult['layout']) }, encoded.pageTexts);
      },
    });
    const file = writer.close();
    const f = stage.end();
    log(`extract: shard ${opts.shard.index}/${opts.shard.count}: ${entries.length} of ${manifest.length} sources, ${errors.length} failed, ${stats.cacheHits} from cache (${f.pages} pages, ${f.seconds.toFixed(1)} s) → ${file}`);
    return { file, stats, errors };
  } catch (e) {
    stage.end();
    writer.abort();
    throw e;
  }
}

/**
 * The whole build: sources → text layers + mentions → facts → checks → publish. Extraction runs over a worker
 * pool (or in-process with jobs 1, or comes from shard files) with the content-hash cache in front; each
 * source's text and layout are written as its result arrives, only mentions and skips stay in memory.
 * Output is assembled in a temporary folder and moved into place at the end, so a crash never leaves a
 * half-written build behind.
 */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const root = projectRoot();
  const progress = new Progress({ quiet: (opts.quiet ?? false) || opts.log !== undefined });
  const rawLog = opts.quiet ? () => {} : (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const log = (l: string) => {
    progress.clear();
    rawLog(l);
  };
  const sourcesDir = path.resolve(opts.sourcesDir);
  const outDir = path.resolve(opts.outDir);
  const lexiconDir = opts.lexiconDir ?? path.join(root, 'extract', 'lexicon');
  const decisionsPath = opts.decisionsPath ?? path.join(root, 'transform', 'decisions.yaml');
  const rulesPath = path.join(root, 'transform', 'rules.yaml');
  const relationsPath = path.join(root, 'checks', 'relations.yaml');

  const lexicon = loadLexicon(lexiconDir);
  let manifest = sortManifest(readManifest(sourcesDir));
  let shardSet: ShardSet | null = null;
  if (opts.fromShards) {
    shardSet = readShards(opts.fromShards);
    if (shardSet.header.versions !== extractionVersions()) throw new ShardError(`the shards were extracted by another extractor (${shardSet.header.versions}; this is ${extractionVersions()})`);
    if (shardSet.header.lexicon_hash !== lexicon.hash) throw new ShardError(`the shards were extracted with another lexicon (${shardSet.header.lexicon_hash.slice(0, 12)}…; this one is ${lexicon.hash.slice(0, 12)}…)`);
    if (shardSet.header.manifest_sha256 !== manifestHash(manifest)) throw new ShardError(`the shards were extracted from another manifest than ${path.join(sourcesDir, 'manifest.json')}`);
    manifest = shardSet.manifest;
  }

  // up to date? same inputs (source bytes, manifest, lexicon, rules, decisions, relations), code, options and
  // environment as the last build into outDir, and outDir still matches its SHA256SUMS: nothing to do.
  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir(root) : opts.cacheDir;
  let upToDateKey: string | null = null;
  if (cacheDir !== null && !shardSet) {
    const material = {
      code: codeFingerprint(root),
      manifest,
      files: manifest.map((e) => {
        try {
          return sha256Hex(readFileSync(path.join(sourcesDir, e.file)));
        } catch {
          return null;
        }
      }),
      lexicon: lexicon.hash,
      inputs: [decisionsPath, rulesPath, relationsPath].map((f) => [f, fileHash(f)]),
      options: { sourcesDir, outDir, keepGoing: opts.keepGoing ?? false, maxBytes: opts.maxBytes ?? null, site: opts.site !== false },
      env: { SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? null, commit: gitCommit(root), node: process.version },
    };
    upToDateKey = createHash('sha256').update(JSON.stringify(material)).digest('hex');
    if (!opts.force) {
      try {
        const rec = JSON.parse(readFileSync(buildRecordFile(cacheDir, outDir), 'utf8')) as UpToDateRecord;
        const sums = path.join(outDir, 'SHA256SUMS');
        if (rec.format === 'figtrail-build-record/1' && rec.key === upToDateKey && existsSync(sums) && sha256Hex(readFileSync(sums)) === rec.sums_sha256 && verifySha256Sums(outDir).length === 0) {
          log(`up to date: ${outDir} (same sources, lexicon, rules, code and options as its last build; --force rebuilds)`);
          const n = manifest.length;
          return { ...rec.result, upToDate: true, extract: { sources: n, extracted: 0, cacheHits: n, failed: rec.result.errors.length, pages: rec.result.extract.pages, jobs: 0 } };
        }
      } catch {
        /* no record, or unreadable: build */
      }
    }
  }

  mkdirSync(path.dirname(outDir), { recursive: true });
  const stage = mkdtempSync(path.join(path.dirname(outDir), `.${path.basename(outDir)}.tmp-`));
  const work = mkdtempSync(path.join(os.tmpdir(), 'figtrail-work-'));
  try {
    mkdirSync(path.join(stage, 'text'));
    mkdirSync(path.join(stage, 'layout'));
    // 1. sources → text layers → mentions, written as they arrive (a bad source is recorded and skipped)
    const perSource: { row: SourceRow; error: SourceErrorRecord | null; mentions: Mention[]; skips: Skip[] }[] = new Array(manifest.length);
    const withText = new Set<string>();
    const pageTextsDir = path.join(work, 'page-texts');
    mkdirSync(pageTextsDir);
    // the transform's input, appended source by source in manifest order (extraction) or written at the end (shards)
    const mentionsPath = path.join(work, 'mentions.json');
    const mentionsFd = shardSet ? null : openSync(mentionsPath, 'w');
    let mentionsWritten = 0;
    // the transform reads newline-delimited JSON: DuckDB parses it in parallel, a JSON array it cannot
    const take = (entry: ManifestEntry, r: SourceResult, i: number, layoutJson: string | null, mentionsNdjson: string | null, pageTexts: string[] | null) => {
      if (r.error) log(`error  ${r.error.message}`);
      if (pageTexts) writeFileSync(path.join(pageTextsDir, `${entry.sha256}.json`), JSON.stringify(pageTexts));
      if (r.text !== null) {
        writeFileSync(path.join(stage, 'text', `${entry.id}.txt`), r.text, 'utf8');
        withText.add(entry.id);
      }
      if (layoutJson !== null) writeFileSync(path.join(stage, 'layout', `${entry.id}.json`), layoutJson, 'utf8');
      if (mentionsFd !== null && mentionsNdjson !== null && r.mentions.length) {
        // the text the worker or the cache already made: no second serialising
        writeSync(mentionsFd, mentionsNdjson);
        mentionsWritten += r.mentions.length;
      }
      perSource[i] = { row: sourceRow(entry, r), error: r.error, mentions: r.mentions, skips: r.skips };
    };
    const stageProgress = progress.stage('extract', manifest.length);
    let stats: ExtractStats;
    let ext: ReturnType<typeof stageProgress.end>;
    try {
      if (shardSet) {
        stats = { sources: manifest.length, extracted: 0, cacheHits: 0, failed: 0, pages: 0, jobs: 0 };
        const st = stats;
        await shardSet.forEach((entry, r, i, pageTexts) => {
          if (r.error) st.failed++;
          st.pages += r.pages ?? 0;
          stageProgress.tick(r.pages ?? 0);
          take(entry, r, i, r.layout ? `${JSON.stringify(r.layout)}\n` : null, null, pageTexts);
        });
      } else {
        stats = await extractAll(manifest, {
          sourcesDir,
          lexiconDir,
          lexicon,
          ...(opts.jobs === undefined ? {} : { jobs: opts.jobs }),
          cacheDir,
          progress: stageProgress,
          ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
          onResult: (entry, r, i, encoded) => take(entry, r, i, encoded.layoutJson, encoded.mentionsNdjson, encoded.pageTexts),
        });
      }
    } finally {
      ext = stageProgress.end();
      if (mentionsFd !== null) {
        closeSync(mentionsFd);
      }
    }
    const sources: SourceRow[] = [];
    const mentions: Mention[] = [];
    const skips: Skip[] = [];
    const errors: SourceErrorRecord[] = [];
    for (let i = 0; i < perSource.length; i++) {
      const p = perSource[i]!;
      sources.push(p.row);
      if (p.error) errors.push(p.error);
      for (const m of p.mentions) mentions.push(m);
      for (const k of p.skips) skips.push(k);
      perSource[i] = undefined as never;
    }
    const texts = new TextFiles(path.join(stage, 'text'), manifest.map((e) => e.id).filter((id) => withText.has(id)));
    log(
      `extract: ${manifest.length} sources, ${errors.length} failed` +
        (shardSet
          ? ` (from ${shardSet.files.length} shards)`
          : ` (${stats.extracted} read, ${stats.cacheHits} from cache, jobs ${stats.jobs}; ${ext.pages} pages in ${ext.seconds.toFixed(1)} s)`),
    );

    // 2. mentions → facts and series (DuckDB)
    const sourcesPath = path.join(work, 'sources.json');
    const metricsPath = path.join(work, 'metrics.json');
    if (shardSet) writeFileSync(mentionsPath, ndjson(mentions));
    else if (mentionsWritten !== mentions.length) throw new Error(`internal: ${mentionsWritten} mentions streamed to the transform, ${mentions.length} collected`);
    writeFileSync(sourcesPath, JSON.stringify(sources));
    writeFileSync(metricsPath, JSON.stringify(metricKinds(lexicon)));
    progress.note(`reconcile: ${mentions.length} mentions …`);
    // DuckDB reconciles on its own threads; meanwhile the checks that read only sources, mentions and
    // texts run here (the rules that need facts or the published tables run once the facts exist)
    const transforming = runTransform({
      mentionsPath,
      sourcesPath,
      metricsPath,
      ...(existsSync(decisionsPath) ? { decisionsPath } : {}),
      ...(existsSync(rulesPath) ? { rulesPath } : {}),
    });
    transforming.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled

    // 3. checks over everything that will be published
    const rawPath = new Map(manifest.map((e) => [e.id, path.join(sourcesDir, e.file)]));
    const checkContext = {
      sources,
      mentions,
      skips,
      facts: [] as unknown[],
      texts,
      tables: new Map<string, { rows: unknown[]; schema: object }>(),
      readRaw: async (id: string) => readFileSync(rawPath.get(id)!),
      // the page texts of readPdfPageTexts, read by the extraction workers (or the cache) from the same bytes
      rereadPdfPages: async (bytes: Uint8Array) => {
        const f = path.join(pageTextsDir, `${sha256Hex(bytes)}.json`);
        return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as string[]) : readPdfPageTexts(bytes);
      },
      relations: loadRelations(relationsPath),
    };
    const early = await runChecks(checkContext as never, CHECKS.filter((c) => !c.needsFacts));

    const transformed = await transforming;
    log(`reconcile: ${transformed.facts.length} facts ${JSON.stringify(transformed.summary.by_status)}`);
    const tableRows: Record<string, unknown[]> = {
      sources,
      mentions,
      skips,
      facts: transformed.facts,
      series: transformed.series,
      errors,
    };
    for (const [name, rows] of Object.entries(tableRows)) {
      const schema = (TABLE_SCHEMAS as Record<string, object>)[name];
      if (schema) checkContext.tables.set(name, { rows, schema });
    }
    checkContext.facts = transformed.facts;
    progress.note('checks …');
    const late = await runChecks(checkContext as never, CHECKS.filter((c) => c.needsFacts));
    const findings = sortFindings([...early, ...late]);
    const failing = findings.filter((f) => f.status === 'fail');
    log(`checks: ${findings.length} findings, ${failing.filter((f) => f.severity === 'error').length} errors, ${failing.filter((f) => f.severity === 'warning').length} warnings`);

    // 4. publish tables (JSON + schema + Parquet), data package and checksums
    const inputHashes: Record<string, string> = {};
    for (const e of manifest) inputHashes[`source:${e.id}`] = e.sha256;
    inputHashes['lexicon'] = lexicon.hash;
    for (const [k, f] of [
      ['rules', rulesPath],
      ['decisions', decisionsPath],
      ['relations', relationsPath],
    ] as const) {
      const h = fileHash(f);
      if (h) inputHashes[k] = h;
    }
    const meta: PublishMeta = {
      datasetVersion: 'unreleased',
      figtrailVersion: figtrailVersion(root),
      gitCommit: gitCommit(root),
      inputHashes,
      sourceDateEpoch: process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) : null,
    };
    progress.note('publish …');
    // tables the schema-valid check found valid against the schemas publish uses need no second ajv pass
    const schemaChecked = [...checkContext.tables.keys()].filter(
      (t) =>
        findings.some((f) => f.rule_id === 'schema-valid' && f.status === 'pass' && f.place.table === t) &&
        !findings.some((f) => f.rule_id === 'schema-valid' && f.status === 'fail' && f.place.table === t),
    );
    await publishTables(stage, { ...tableRows, checks: findings } as never, meta, { schemaChecked });
    // the schema of `figtrail explain --json`, published with the data it explains
    copyFileSync(path.join(root, 'audit', 'explain.schema.json'), path.join(stage, 'explain.schema.json'));

    // 5. the audit site reads the published tables; checksums are rewritten to cover it and the schema
    if (opts.site !== false) {
      progress.note('site …');
      await writeAuditSite(stage, path.join(stage, 'site'), { sourcesDir, cacheDir });
      log('site: written');
    }
    writeSha256Sums(stage);

    progress.clear();
    // 6. move into place
    const old = `${outDir}.old-${process.pid}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(stage, outDir);
    rmSync(old, { recursive: true, force: true });

    const byStatus = transformed.summary.by_status;
    const counts = {
      sources: manifest.length,
      failed: errors.length,
      mentions: mentions.length,
      mentionsWithoutMetric: mentions.filter((m) => m.metric === null).length,
      skips: skips.length,
      facts: transformed.facts.length,
      byStatus,
    };
    const exitCode = (errors.length > 0 && !opts.keepGoing) || hasErrors(findings) ? 1 : 0;
    const result: BuildResult = { exitCode, errors, findings, counts, extract: stats };
    if (cacheDir !== null && upToDateKey !== null) {
      const recFile = buildRecordFile(cacheDir, outDir);
      const tmpRec = `${recFile}.tmp-${process.pid}`;
      try {
        mkdirSync(path.dirname(recFile), { recursive: true });
        const rec: UpToDateRecord = { format: 'figtrail-build-record/1', key: upToDateKey, sums_sha256: sha256Hex(readFileSync(path.join(outDir, 'SHA256SUMS'))), result };
        writeFileSync(tmpRec, JSON.stringify(rec));
        renameSync(tmpRec, recFile);
      } catch {
        rmSync(tmpRec, { force: true }); // no record: the next build simply runs in full
      }
    }
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(stage, { recursive: true, force: true });
  }
}
