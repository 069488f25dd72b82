import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildExitCode } from './exitCode.js';
import { projectRoot } from './root.js';
import type { Finding } from '../checks/types.js';
import { languageHash } from '../extract/language.js';
import { nonEmptyManifest, readManifest, sha256Hex, type ManifestEntry } from '../extract/manifest.js';
import { openSource } from '../extract/sourceFile.js';
import type { SourceErrorRecord } from '../extract/records.js';
import { resolveBudget, type BudgetOptions } from './budget.js';
import { extractionVersions } from './cache.js';
import { checkRulePatterns, loadDataset, defaultDatasetDir, type Dataset } from './dataset.js';
import { extractAll, type ExtractStats } from './extractAll.js';
import { WorkerPool } from './pool.js';
import type { SourceResult } from './extractSource.js';
import { makeTempDirs, recoverOutput, replaceOutput } from './outputSwap.js';
import { Progress } from './progress.js';
import { terminalText } from './terminalText.js';
import type { PublishMeta } from './publish.js';
import { manifestHash, readShards, ShardError, shardEntries, ShardWriter, SHARD_FORMAT, sortManifest, type ShardSet, type ShardSpec } from './shards.js';
import { extractStep } from './steps/extract.js';
import { reconcileStep } from './steps/reconcile.js';
import { codeFingerprint, hasBuildRecord, readUpToDate, upToDateKey, writeUpToDate } from './upToDate.js';

// in a module of its own, so that cli.ts finds the root without loading the build
export { projectRoot } from './root.js';

/** The tables the build publishes from its own rows, checked against their schemas (schema-valid). */
const PUBLISHED_ROW_TABLES = ['sources', 'mentions', 'skips', 'facts', 'series', 'errors'] as const;

export interface BuildOptions {
  /** the dataset folder (dataset.yaml); default: the project's dataset/ */
  datasetDir?: string;
  /** the documents and their manifest; default: the dataset's sources folder */
  sourcesDir?: string;
  /** default: the dataset's out folder + /build */
  outDir?: string;
  keepGoing?: boolean;
  maxBytes?: number;
  quiet?: boolean;
  log?: (line: string) => void;
  /** extraction workers (child processes); default os.availableParallelism(); 1 = in-process, no workers */
  jobs?: number;
  /** extraction cache folder; default .cache/figtrail/ in the project root; null = no cache */
  cacheDir?: string | null;
  /** build from shard files (figtrail extract --shard) instead of extracting; files or folders */
  fromShards?: string[];
  /** write the audit site (default true); false only for measurements */
  site?: boolean;
  /** rebuild even when the output folder is up to date (same inputs, code and options as its last build) */
  force?: boolean;
  /** time, heap and PDF limits per source (pipeline/budget.ts) */
  budget?: BudgetOptions;
  /** publish an empty dataset when the manifest lists no sources (otherwise that is a ManifestError) */
  allowEmpty?: boolean;
  /**
   * extraction workers started before the build (cli.ts starts one first thing, before this module loads, so that
   * pdf.js and the grammar load while the main thread loads the build's modules and the dataset); the build
   * hands them the dataset's vocabulary, uses them (or not: up to date, shards) and closes them
   */
  pool?: WorkerPool;
}

export interface BuildResult {
  exitCode: number;
  /** where the build was written */
  outDir: string;
  errors: SourceErrorRecord[];
  findings: Finding[];
  counts: { sources: number; failed: number; mentions: number; mentionsWithoutMetric: number; skips: number; facts: number; byStatus: Record<string, number> };
  /** extraction figures: how many sources were read by the extractor and how many came from the cache */
  extract: ExtractStats;
  /** true: nothing changed since the last build into outDir (which still verifies); nothing was rebuilt */
  upToDate?: boolean;
}

export type { SourceRow } from '../extract/records.js';
export { sourceRow } from './steps/extract.js';
export { metricKinds } from './steps/reconcile.js';
export { codeFingerprint } from './upToDate.js';

/** The budget settings that change what a build publishes (a source over one fails); time and heap only stop it. */
function capsOf(budget: BudgetOptions | undefined): { maxMentions: number; pdf: [string, number][] } {
  const b = resolveBudget(budget);
  return { maxMentions: b.maxMentions, pdf: Object.entries(b.pdf).sort(([x], [y]) => (x < y ? -1 : 1)) };
}

/**
 * The commit the build comes from, with `+dirty` when the working tree has changes git would commit
 * (tracked edits or untracked, not ignored files): such a build is not reproducible from the commit alone.
 */
export function gitCommit(root = projectRoot()): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  let commit: string;
  try {
    commit = process.env.GITHUB_SHA || git(['rev-parse', 'HEAD']);
  } catch {
    return 'unknown';
  }
  try {
    return git(['status', '--porcelain']) === '' ? commit : `${commit}+dirty`;
  } catch {
    return commit; // no work tree here (e.g. an unpacked release): nothing to mark
  }
}

export function figtrailVersion(root = projectRoot()): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The default extraction cache: .cache/figtrail/ in the project root (outside out/, safe to delete). */
export function defaultCacheDir(root = projectRoot()): string {
  return path.join(root, '.cache', 'figtrail');
}

export interface ExtractShardOptions {
  sourcesDir?: string;
  outDir: string;
  shard: ShardSpec;
  /** the dataset folder (default: the project's dataset/); its vocabulary reads the figures */
  datasetDir?: string;
  maxBytes?: number;
  jobs?: number;
  cacheDir?: string | null;
  quiet?: boolean;
  log?: (line: string) => void;
  /** time, heap and PDF limits per source (pipeline/budget.ts) */
  budget?: BudgetOptions;
  allowEmpty?: boolean;
}

/** `figtrail extract --shard i/n`: extracts one shard of the sources into <outDir>/shard-<i>-of-<n>.json (and its mentions' .mentions.parquet). */
export async function extractShard(opts: ExtractShardOptions): Promise<{ file: string; stats: ExtractStats; errors: SourceErrorRecord[] }> {
  const root = projectRoot();
  const log = opts.quiet ? () => {} : (l: string) => (opts.log ?? ((t: string) => process.stderr.write(`${t}\n`)))(terminalText(l));
  // the rules' patterns are checked by the build that reconciles the shards; extraction does not use them
  const dataset = await loadDataset(opts.datasetDir ?? defaultDatasetDir(), { checkRulePatterns: false });
  const sourcesDir = path.resolve(opts.sourcesDir ?? dataset.sourcesDir);
  const manifest = sortManifest(nonEmptyManifest(readManifest(sourcesDir), sourcesDir, opts.allowEmpty));
  const lexicon = dataset.lexicon;
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
      lexiconDir: dataset.vocabularyDir,
      lexicon,
      ...(opts.jobs === undefined ? {} : { jobs: opts.jobs }),
      cacheDir: opts.cacheDir === undefined ? defaultCacheDir(root) : opts.cacheDir,
      progress: stage,
      onCacheProblem: log,
      ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
      ...(opts.budget ? { budget: opts.budget } : {}),
      log,
      onResult: (_entry, r, _i, encoded) => {
        if (r.error) {
          errors.push(r.error);
          log(`error  ${r.error.message}`);
        }
        writer.add({ ...r, layout: encoded.layoutJson === null ? null : (JSON.parse(encoded.layoutJson) as SourceResult['layout']) }, encoded.pageTexts, encoded.mentionsNdjson);
      },
    });
    const file = await writer.close();
    const f = stage.end();
    log(`extract: shard ${opts.shard.index}/${opts.shard.count}: ${entries.length} of ${manifest.length} sources, ${errors.length} failed, ${stats.cacheHits} from cache (${f.pages} pages, ${f.seconds.toFixed(1)} s) → ${file}`);
    return { file, stats, errors };
  } catch (e) {
    stage.end();
    writer.abort();
    throw e;
  }
}

/** The build's inputs as one record: the dataset, the sources folder and manifest, or a complete shard set. */
interface BuildInputs {
  dataset: Dataset;
  sourcesDir: string;
  manifest: ManifestEntry[];
  shardSet: ShardSet | null;
}

/**
 * Step 0 — load: the dataset (validated and cross-checked), the manifest, the shards. The check that the rules'
 * patterns compile in DuckDB is left to the caller (build: while the workers extract; it needs DuckDB loaded).
 */
async function loadInputs(opts: BuildOptions): Promise<BuildInputs> {
  const dataset = await loadDataset(opts.datasetDir ?? defaultDatasetDir(), { checkRulePatterns: false });
  const sourcesDir = path.resolve(opts.sourcesDir ?? dataset.sourcesDir);
  let manifest = sortManifest(nonEmptyManifest(readManifest(sourcesDir), sourcesDir, opts.allowEmpty));
  let shardSet: ShardSet | null = null;
  if (opts.fromShards) {
    shardSet = readShards(opts.fromShards);
    if (shardSet.header.versions !== extractionVersions()) throw new ShardError(`the shards were extracted by another extractor (${shardSet.header.versions}; this is ${extractionVersions()})`);
    if (shardSet.header.lexicon_hash !== dataset.lexicon.hash) throw new ShardError(`the shards were extracted with another vocabulary (${shardSet.header.lexicon_hash.slice(0, 12)}…; this one is ${dataset.lexicon.hash.slice(0, 12)}…)`);
    if (shardSet.header.manifest_sha256 !== manifestHash(manifest)) throw new ShardError(`the shards were extracted from another manifest than ${path.join(sourcesDir, 'manifest.json')}`);
    manifest = shardSet.manifest;
  }
  return { dataset, sourcesDir, manifest, shardSet };
}

/** Every input of the build by name → sha256: the sources, every file the dataset declares, the language data. */
function inputHashes(inputs: BuildInputs): Record<string, string> {
  const h: Record<string, string> = {};
  for (const e of inputs.manifest) h[`source:${e.id}`] = e.sha256;
  h['lexicon'] = inputs.dataset.lexicon.hash;
  for (const [f, sha] of Object.entries(inputs.dataset.files)) h[`dataset:${f}`] = sha;
  h['language'] = languageHash();
  return h;
}

/**
 * Past this many bytes of mentions (as the transform reads them) the early checks wait for DuckDB instead of running
 * beside it. Beside it, on 2 cores, V8's garbage collector falls behind the checks' pass over every mention and the
 * heap grows while DuckDB holds its tables: the reconcile stage of the bench's scale build peaked at 434-469 MB that
 * way, 364-408 MB one after the other (one changed source, 101,655 mentions, 2 shared cores; cold: 459 against
 * 418 MB); the checks' pass (~1-2 s of CPU there) is then no longer hidden behind DuckDB. Below it (the five
 * archived sources: ~0.3 MB) the overlap is kept: it is time saved and memory is no concern. 16 MB is where the rows are no longer kept in memory either (pipeline/rowFile.ts).
 */
const EARLY_CHECKS_BESIDE_RECONCILE_BYTES = 16 * 1024 * 1024;

/** One turn of the event loop: work split by it lets a worker's message (a finished source) in between. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The modules of the steps after extraction, and their one-time work, done while the extraction workers read
 * (a build that reads nothing itself spends that time waiting): the checks (with the schema-valid check's
 * validators compiled), publish, the audit site, and the transform with DuckDB, in which the rules' patterns are
 * checked (loadDataset left that out). Rejects with the DatasetError of a pattern that does not compile.
 */
async function laterSteps(dataset: Dataset) {
  await nextTurn();
  const { CheckStep } = await import('./steps/check.js');
  await nextTurn();
  const { definitionTables, TABLE_SCHEMAS } = await import('../contracts/index.js');
  const { validatorFor } = await import('../checks/rules/schema-valid.js');
  for (const name of PUBLISHED_ROW_TABLES) {
    await nextTurn();
    try {
      validatorFor((TABLE_SCHEMAS as Record<string, object>)[name]!);
    } catch {
      // a schema that does not compile is the check's finding, made when the check runs
    }
  }
  await nextTurn();
  const { PublishedJsonFile, publishTables, writeSha256Sums } = await import('./publish.js');
  await nextTurn();
  const { writeAuditSite } = await import('../audit/site.js');
  await nextTurn();
  await import('../transform/run.js');
  await nextTurn();
  await checkRulePatterns(dataset);
  return { CheckStep, definitionTables, TABLE_SCHEMAS, PublishedJsonFile, publishTables, writeSha256Sums, writeAuditSite };
}

/**
 * The whole build, as named steps: load → extract → reconcile ‖ early checks → late checks → publish → site →
 * move into place. Each step is a function of its declared inputs (pipeline/steps/); this function only wires
 * them. Output is assembled in a temporary folder and moved into place at the end, so a crash never leaves a
 * half-written build behind.
 */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const root = projectRoot();
  const progress = new Progress({ quiet: (opts.quiet ?? false) || opts.log !== undefined });
  const rawLog = opts.quiet ? () => {} : (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const log = (l: string) => {
    progress.clear();
    rawLog(terminalText(l));
  };
  // stage marks (performance.mark, 'figtrail:<stage>'): npm run bench prints where a build's time goes
  performance.mark('figtrail:load');
  const inputs = await loadInputs(opts);
  const { dataset, sourcesDir, manifest, shardSet } = inputs;
  const outDir = path.resolve(opts.outDir ?? path.join(dataset.outDir, 'build'));
  recoverOutput(outDir, { log }); // a run killed while replacing outDir left a journal: finish its swap first

  // up to date? same inputs, code, options and environment as the last build into outDir, which still verifies
  let commitOfBuild: string | undefined;
  const commit = () => (commitOfBuild ??= gitCommit(root)); // two git processes, once per build
  const cacheDir = opts.cacheDir === undefined ? defaultCacheDir(root) : opts.cacheDir;
  let key: string | null = null;

  // The first extraction worker starts before the sources are hashed (the up-to-date key below, the cache probe):
  // it loads pdf.js and the grammar meanwhile, and is handed the vocabulary this thread has loaded. The pool grows
  // to one worker per source to read (up to --jobs) once the cache probe knows how many; each worker reads sources
  // one after another. When this build may be up to date (a record of the last build into outDir) nothing is
  // started until the check has failed, unless the caller started the pool already. Unused workers are closed;
  // an idle pool never keeps the process alive.
  const lexicon = { dir: dataset.vocabularyDir, lexicon: dataset.lexicon };
  const startPool = () => new WorkerPool(1, undefined, { budget: resolveBudget(opts.budget), log, lexicon });
  let pool: WorkerPool | null = opts.pool ?? null;
  if (pool) {
    pool.log = log;
    if (shardSet) {
      await pool.close();
      pool = null;
    } else pool.provideLexicon(lexicon);
  } else if (!(shardSet || (cacheDir !== null && !opts.force && hasBuildRecord(cacheDir, outDir)))) pool = startPool();
  const code = cacheDir === null ? null : codeFingerprint(root); // also keys the site's page cache
  if (cacheDir !== null && code !== null && !shardSet) {
    key = upToDateKey({
      code,
      manifest,
      files: manifest.map((e) => {
        try {
          return sha256Hex(openSource(sourcesDir, e.file, { sourceId: e.id, ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }) }));
        } catch {
          return null;
        }
      }),
      inputs: inputHashes(inputs),
      // the caps are options too: a build under a lower figure or page cap is not the last one's (see cache.ts)
      options: { sourcesDir, outDir, keepGoing: opts.keepGoing ?? false, maxBytes: opts.maxBytes ?? null, site: opts.site !== false, caps: capsOf(opts.budget) },
      env: { SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? null, commit: commit(), node: process.version },
    });
    const last = opts.force ? null : readUpToDate<BuildResult>(cacheDir, outDir, key);
    if (last) {
      await pool?.close();
      pool = null;
      log(`up to date: ${outDir} (same sources, dataset, code and options as its last build; --force rebuilds)`);
      const n = manifest.length;
      return { ...last, outDir, upToDate: true, extract: { sources: n, extracted: 0, cacheHits: n, failed: last.errors.length, pages: last.extract.pages, jobs: 0 } };
    }
  }

  if (!pool && !shardSet) pool = startPool();
  const { stage, work, remove: removeTempDirs } = makeTempDirs(outDir);
  try {
    // 1. sources → text layers → mentions
    performance.mark('figtrail:extract');
    // what the steps after extraction need is loaded on this thread while it waits for the workers: the checks,
    // publish and site modules, the schema-valid check's validators, DuckDB and the transform (the rules' patterns
    // are checked in it). Each in a turn of its own, so that a worker's finished source is not kept waiting long.
    const later = laterSteps(dataset);
    later.catch(() => {}); // awaited below; this only keeps a failure during extraction from going unhandled
    const extracting = extractStep({
      manifest,
      shardSet,
      sourcesDir,
      lexiconDir: dataset.vocabularyDir,
      lexicon: dataset.lexicon,
      ...(opts.jobs === undefined ? {} : { jobs: opts.jobs }),
      cacheDir,
      ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
      ...(opts.budget ? { budget: opts.budget } : {}),
      stageDir: stage,
      workDir: work,
      progress,
      log,
      ...(pool ? { pool } : {}),
    });
    extracting.catch(() => {}); // awaited in the race below, or abandoned when the dataset fails first
    // a rule pattern that does not compile fails the build as soon as DuckDB says so, not after every source is read
    const extracted = await Promise.race([extracting, later.then(() => extracting)]);
    // the workers' heaps are freed once they have read the PDFs' page texts again (during the reconcile)
    const poolClosed = extracted.pageTextsSettled.then(() => pool?.close());
    poolClosed.catch(() => {}); // awaited below
    const { CheckStep, PublishedJsonFile, publishTables, writeSha256Sums, definitionTables, TABLE_SCHEMAS, writeAuditSite } = await later;
    const { sources, mentions, skips, errors } = extracted;

    // 2. mentions → facts and series (DuckDB), while 3a. the checks that need no facts run here
    performance.mark('figtrail:reconcile');
    progress.note(`reconcile: ${mentions.length} mentions …`);
    const rows = { sources, mentions, skips, texts: extracted.texts };
    const reconciling = reconcileStep({
      workDir: work,
      // from shards: their Parquet files of mentions (checked against their JSON shards by the extract step)
      mentionsPath: shardSet ? shardSet.mentionFiles : extracted.mentionsPath,
      sources,
      lexicon: dataset.lexicon,
      rulesPath: dataset.rulesPath,
      decisionsPath: existsSync(dataset.decisionsPath) ? dataset.decisionsPath : null,
    });
    // the checks' one pass over the mentions and skips also writes their published JSON (publish takes it when valid)
    const written = { mentions: new PublishedJsonFile(path.join(stage, 'mentions.json'), 'mentions', mentions.file), skips: new PublishedJsonFile(path.join(stage, 'skips.json'), 'skips', skips.file) };
    const checks = new CheckStep({
      manifest,
      sourcesDir,
      ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
      pageTextsDir: extracted.pageTextsDir,
      pageTextsSettled: extracted.pageTextsSettled,
      relations: dataset.relations,
      rowSchemas: { mentions: TABLE_SCHEMAS.mentions, skips: TABLE_SCHEMAS.skips },
      alsoRead: (ms, ks) => {
        written.mentions.add(ms);
        written.skips.add(ks);
      },
    });
    // a large corpus's early checks wait for DuckDB rather than run beside it (see EARLY_CHECKS_BESIDE_RECONCILE_BYTES)
    if (statSync(extracted.mentionsPath).size > EARLY_CHECKS_BESIDE_RECONCILE_BYTES) await reconciling;
    await checks.early(rows);
    const writtenTables = Object.values(written).filter((w) => w.end()).map((w) => w.name);
    const transformed = await reconciling;
    await poolClosed;
    log(`reconcile: ${transformed.facts.length} facts ${JSON.stringify(transformed.summary.by_status)}`);

    // 3b. the checks over the facts and the tables as they will be published
    const tableRows = { sources, mentions, skips, facts: transformed.facts, series: transformed.series, errors };
    const tables = new Map<string, { rows: Iterable<unknown>; schema: object }>();
    for (const [name, rows] of Object.entries(tableRows)) {
      const schema = (TABLE_SCHEMAS as Record<string, object>)[name];
      if (schema) tables.set(name, { rows, schema });
    }
    performance.mark('figtrail:checks');
    progress.note('checks …');
    const findings = await checks.late(rows, transformed.facts, tables);
    const failing = findings.filter((f) => f.status === 'fail');
    log(`checks: ${findings.length} findings, ${failing.filter((f) => f.severity === 'error').length} errors, ${failing.filter((f) => f.severity === 'warning').length} warnings`);

    // 4. publish tables (JSON + schema + Parquet), data package and checksums
    const meta: PublishMeta = {
      datasetVersion: 'unreleased',
      figtrailVersion: figtrailVersion(root),
      gitCommit: commit(),
      inputHashes: inputHashes(inputs),
      sourceDateEpoch: process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) : null,
      dataset: { name: dataset.name, title: dataset.title },
    };
    performance.mark('figtrail:publish');
    progress.note('publish …');
    // tables the schema-valid check found valid against the schemas publish uses need no second ajv pass
    const schemaChecked = [...tables.keys()].filter(
      (t) =>
        findings.some((f) => f.rule_id === 'schema-valid' && f.status === 'pass' && f.place.table === t) &&
        !findings.some((f) => f.rule_id === 'schema-valid' && f.status === 'fail' && f.place.table === t),
    );
    await publishTables(stage, { ...tableRows, checks: findings, ...definitionTables(dataset.lexicon) }, meta, { schemaChecked, written: writtenTables });
    // the schema of `figtrail explain --json`, published with the data it explains
    copyFileSync(path.join(root, 'audit', 'explain.schema.json'), path.join(stage, 'explain.schema.json'));

    // 5. the audit site reads the published tables; checksums are rewritten to cover it and the schema
    if (opts.site !== false) {
      performance.mark('figtrail:site');
      progress.note('site …');
      await writeAuditSite(stage, path.join(stage, 'site'), {
        sourcesDir,
        log,
        pageCache: cacheDir === null || code === null ? null : { dir: cacheDir, code },
        budget: resolveBudget(opts.budget),
        ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
        ...(dataset.charts.length ? { charts: dataset.charts } : {}),
      });
      log('site: written');
    }
    performance.mark('figtrail:checksums');
    writeSha256Sums(stage);

    progress.clear();
    // 6. move into place
    performance.mark('figtrail:swap');
    replaceOutput(stage, outDir);

    const counts = {
      sources: manifest.length,
      failed: errors.length,
      mentions: mentions.length,
      mentionsWithoutMetric: extracted.mentionsWithoutMetric,
      skips: skips.length,
      facts: transformed.facts.length,
      byStatus: transformed.summary.by_status,
    };
    const exitCode = buildExitCode(errors, findings, opts.keepGoing ?? false);
    const result: BuildResult = { exitCode, outDir, errors, findings, counts, extract: extracted.stats };
    if (cacheDir !== null && key !== null) writeUpToDate(cacheDir, outDir, key, result);
    performance.mark('figtrail:end');
    return result;
  } finally {
    await pool?.close();
    removeTempDirs();
  }
}
