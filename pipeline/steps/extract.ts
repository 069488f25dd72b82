import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Lexicon } from '../../extract/lexicon.js';
import { sha256Hex, type ManifestEntry } from '../../extract/manifest.js';
import type { Mention, Skip, SourceErrorRecord, SourceRow } from '../../extract/records.js';
import type { BudgetOptions } from '../budget.js';
import type { WorkerPool } from '../pool.js';
import { ndjson } from '../cache.js';
import { extractAll, type ExtractStats } from '../extractAll.js';
import type { SourceResult } from '../extractSource.js';
import type { Progress } from '../progress.js';
import type { ShardSet } from '../shards.js';
import { NdjsonRows } from '../rowFile.js';

/**
 * Step 1 — sources → text layers → mentions. Inputs: the manifest (or a complete shard set), the dataset's
 * vocabulary, the extraction options. Outputs: text/<id>.txt and layout/<id>.json written into `stageDir`
 * as each result arrives, the transform's input (`mentions.ndjson`) and the page texts of PDFs in `workDir`,
 * and the rows of the sources, mentions, skips and errors tables. A bad source is recorded and skipped.
 */
export interface ExtractStepInput {
  manifest: readonly ManifestEntry[];
  shardSet: ShardSet | null;
  sourcesDir: string;
  lexiconDir: string;
  lexicon: Lexicon;
  jobs?: number;
  cacheDir: string | null;
  maxBytes?: number;
  /** time, heap and PDF limits per source (pipeline/budget.ts) */
  budget?: BudgetOptions;
  /** workers started earlier with the same budget (not closed here; grown to one per source to read, up to jobs) */
  pool?: WorkerPool;
  stageDir: string;
  workDir: string;
  progress: Progress;
  log(line: string): void;
}

export interface ExtractStepOutput {
  sources: SourceRow[];
  /** read again from mentionsPath on each pass (pipeline/rowFile.ts): never all in memory */
  mentions: NdjsonRows<Mention>;
  skips: NdjsonRows<Skip>;
  /** mentions without a metric */
  mentionsWithoutMetric: number;
  errors: SourceErrorRecord[];
  stats: ExtractStats;
  /** source id → text layer, read from text/<id>.txt on demand */
  texts: Map<string, string>;
  /** newline-delimited JSON of the mentions, in manifest order: the transform's input */
  mentionsPath: string;
  /** page texts of the PDFs (by sha256), from the extraction's second read: the quote-on-page check uses them */
  pageTextsDir: string;
  /**
   * resolves once every PDF's page texts are in pageTextsDir: with a pool they come after the results (the
   * workers read them again while the build goes on), so the pool is closed only then
   */
  pageTextsSettled: Promise<void>;
}

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

export async function extractStep(input: ExtractStepInput): Promise<ExtractStepOutput> {
  const { manifest, shardSet, stageDir, workDir, log } = input;
  mkdirSync(path.join(stageDir, 'text'));
  mkdirSync(path.join(stageDir, 'layout'));
  // per source its row and error; its mentions and skips only from shards (written in manifest order at the end)
  const perSource: ({ row: SourceRow; error: SourceErrorRecord | null; mentions: Mention[]; skips: Skip[] } | undefined)[] = new Array(manifest.length);
  const withText = new Set<string>();
  const pageTextsDir = path.join(workDir, 'page-texts');
  mkdirSync(pageTextsDir);
  // the transform's input, appended source by source in manifest order (extraction) or written at the end (shards)
  const mentionsPath = path.join(workDir, 'mentions.json');
  const mentionsFd = shardSet ? null : openSync(mentionsPath, 'w');
  // the skips likewise (read again by the checks and publish)
  const skipsPath = path.join(workDir, 'skips.ndjson');
  const skipsFd = shardSet ? null : openSync(skipsPath, 'w');
  let mentionsWritten = 0;
  let mentionCount = 0;
  let skipCount = 0;
  let withoutMetric = 0;
  // the transform reads newline-delimited JSON: DuckDB parses it in parallel, a JSON array it cannot
  const take = (entry: ManifestEntry, r: SourceResult, i: number, layoutJson: string | null, mentionsNdjson: string | null, pageTexts: string[] | null) => {
    if (r.error) log(`error  ${r.error.message}`);
    if (pageTexts) writeFileSync(path.join(pageTextsDir, `${entry.sha256}.json`), JSON.stringify(pageTexts));
    if (r.text !== null) {
      writeFileSync(path.join(stageDir, 'text', `${entry.id}.txt`), r.text, 'utf8');
      withText.add(entry.id);
    }
    if (layoutJson !== null) writeFileSync(path.join(stageDir, 'layout', `${entry.id}.json`), layoutJson, 'utf8');
    if (mentionsFd !== null && mentionsNdjson !== null && r.mentions.length) {
      // the text the worker or the cache already made: no second serialising
      writeSync(mentionsFd, mentionsNdjson);
      mentionsWritten += r.mentions.length;
    }
    if (skipsFd !== null && r.skips.length) writeSync(skipsFd, ndjson(r.skips));
    mentionCount += r.mentions.length;
    skipCount += r.skips.length;
    for (const m of r.mentions) if (m.metric === null) withoutMetric++;
    const row = sourceRow(entry, r);
    perSource[i] = { row, error: r.error, mentions: shardSet ? r.mentions : [], skips: shardSet ? r.skips : [] };
  };
  const stageProgress = input.progress.stage('extract', manifest.length);
  let pageTextsSettled: Promise<void> = Promise.resolve();
  const latePageTexts = {
    onPageTexts: (entry: ManifestEntry, pageTexts: string[] | null, error?: string) => {
      try {
        // a second read that was stopped is said to the check, which must not read that PDF again on this thread
        if (pageTexts || error !== undefined) writeFileSync(path.join(pageTextsDir, `${entry.sha256}.json`), JSON.stringify(pageTexts ?? { error }));
      } catch {
        // the work folder is gone: the build stopped
      }
    },
    settled: (done: Promise<void>) => {
      pageTextsSettled = done;
    },
  };
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
        sourcesDir: input.sourcesDir,
        lexiconDir: input.lexiconDir,
        lexicon: input.lexicon,
        ...(input.jobs === undefined ? {} : { jobs: input.jobs }),
        cacheDir: input.cacheDir,
        progress: stageProgress,
        onCacheProblem: (line) => input.log(line),
        ...(input.maxBytes === undefined ? {} : { maxBytes: input.maxBytes }),
        ...(input.budget ? { budget: input.budget } : {}),
        ...(input.pool ? { pool: input.pool, growPool: true, latePageTexts } : {}),
        log: input.log,
        onResult: (entry, r, i, encoded) => take(entry, r, i, encoded.layoutJson, encoded.mentionsNdjson, encoded.pageTexts),
      });
    }
  } finally {
    ext = stageProgress.end();
    if (mentionsFd !== null) closeSync(mentionsFd);
    if (skipsFd !== null) closeSync(skipsFd);
  }
  const sources: SourceRow[] = [];
  const errors: SourceErrorRecord[] = [];
  // shards come in shard order: their rows are written here, in manifest order
  const shardMentionsFd = shardSet ? openSync(mentionsPath, 'w') : null;
  const shardSkipsFd = shardSet ? openSync(skipsPath, 'w') : null;
  try {
    for (let i = 0; i < perSource.length; i++) {
      const p = perSource[i]!;
      sources.push(p.row);
      if (p.error) errors.push(p.error);
      if (shardMentionsFd !== null && p.mentions.length) writeSync(shardMentionsFd, ndjson(p.mentions));
      if (shardSkipsFd !== null && p.skips.length) writeSync(shardSkipsFd, ndjson(p.skips));
      perSource[i] = undefined;
    }
  } finally {
    if (shardMentionsFd !== null) closeSync(shardMentionsFd);
    if (shardSkipsFd !== null) closeSync(shardSkipsFd);
  }
  if (!shardSet && mentionsWritten !== mentionCount) throw new Error(`internal: ${mentionsWritten} mentions streamed to the transform, ${mentionCount} collected`);
  log(
    `extract: ${manifest.length} sources, ${errors.length} failed` +
      (shardSet
        ? ` (from ${shardSet.files.length} shards)`
        : ` (${stats.extracted} read, ${stats.cacheHits} from cache, jobs ${stats.jobs}; ${ext.pages} pages in ${ext.seconds.toFixed(1)} s)`),
  );
  const texts = new TextFiles(path.join(stageDir, 'text'), manifest.map((e) => e.id).filter((id) => withText.has(id)));
  const mentions = new NdjsonRows<Mention>(mentionsPath, mentionCount);
  const skips = new NdjsonRows<Skip>(skipsPath, skipCount);
  return { sources, mentions, skips, mentionsWithoutMetric: withoutMetric, errors, stats, texts, mentionsPath, pageTextsDir, pageTextsSettled };
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
