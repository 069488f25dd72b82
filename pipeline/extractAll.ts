/**
 * Extraction of all sources: in-process one after the other (jobs = 1) or spread over a worker pool, with the
 * content-hash cache in front. Results are handed to `onResult` strictly in manifest order (a reorder buffer of
 * at most `window` finished results), so the caller can stream them to disk and the output does not depend on
 * which worker finished first. A source error stays data: a worker that crashes turns into an extract_failed
 * result for its source.
 */
import type { Lexicon } from '../extract/lexicon.js';
import type { ManifestEntry } from '../extract/manifest.js';
import type { SourceResult } from './extractSource.js';
import { BudgetExceeded, resolveBudget, type BudgetOptions } from './budget.js';
import { defaultJobs, WorkerPool } from './pool.js';
import type { StageProgress } from './progress.js';
import { probeCache, runSourceTask, type SourceOutcome, type SourceTask } from './worker.js';
import { encodeResult, ExtractCache, parseNdjson, type EncodedResult } from './cache.js';
import { existsSync } from 'node:fs';
import { sourceFileSize } from '../extract/sourceFile.js';

export interface ExtractAllOptions {
  sourcesDir: string;
  lexiconDir: string;
  /** the loaded lexicon (used in-process, and handed to the workers: they do not parse lexiconDir again) */
  lexicon: Lexicon;
  maxBytes?: number;
  /**
   * extraction workers (child processes, pipeline/pool.ts); 1 = in-process, no workers; N > 1 = a pool of N (at
   * most one per source to extract); undefined = one per core (not isolated: in-process when fewer than
   * AUTO_PARALLEL_MIN sources need the extractor)
   */
  jobs?: number;
  /** null or undefined: no cache */
  cacheDir?: string | null;
  progress?: StageProgress;
  /** a pool to reuse (not closed here); otherwise one is made and closed */
  pool?: WorkerPool;
  /** true: the given pool was started early and small; it gets the workers a pool made here would have */
  growPool?: boolean;
  /** at most this many results finished ahead of the next one to hand out (default 4 × jobs) */
  window?: number;
  /** time, heap and PDF limits per source (pipeline/budget.ts); defaults fit a 2-core, 4 GB runner */
  budget?: BudgetOptions;
  /**
   * true (default): every source is read in a worker under the budget, even with jobs 1 (one worker);
   * false: with jobs 1 sources are read in this thread, with the PDF limits but no time or heap limit
   */
  isolate?: boolean;
  /** where "still working on <source>" lines go (default: stderr) */
  log?: (line: string) => void;
  /**
   * With a given pool: each PDF's result is handed out as soon as it is extracted, and the page texts of its second
   * read (for the quote-on-page check) come later, here; `settled` gets a promise that resolves once they all
   * have (the pool must stay open until then). Without this, a result waits for its page texts.
   * `error`: the second read was stopped (over its budget, its worker lost).
   */
  latePageTexts?: {
    onPageTexts(entry: ManifestEntry, pageTexts: string[] | null, error?: string): void;
    settled(done: Promise<void>): void;
  };
  /** one line for the log when the cache drops a bad entry or cannot be written (each said once) */
  onCacheProblem?: (line: string) => void;
  /** result: the SourceResult with its mentions but layout null (the layout comes as its file text in `encoded`) */
  onResult(entry: ManifestEntry, result: SourceResult, index: number, encoded: EncodedResult): void | Promise<void>;
}

export interface ExtractStats {
  sources: number;
  /** sources the extractor actually read (cache misses) */
  extracted: number;
  cacheHits: number;
  failed: number;
  pages: number;
  jobs: number;
}

/**
 * With jobs left to the default, sources needing the extractor are spread over workers only when there are at
 * least this many: a worker costs about half a second to start (pdf.js, lexicon), more than a small source
 * takes to read in-process.
 */
export const AUTO_PARALLEL_MIN = 8;

export async function extractAll(manifest: readonly ManifestEntry[], opts: ExtractAllOptions): Promise<ExtractStats> {
  const n = manifest.length;
  const cacheDir = opts.cacheDir ?? null;
  const cache = cacheDir === null ? null : new ExtractCache(cacheDir);
  const budget = resolveBudget(opts.budget);
  const taskOf = (entry: ManifestEntry, cacheKey: string | null): SourceTask => ({
    kind: 'source',
    sourcesDir: opts.sourcesDir,
    entry,
    lexiconDir: opts.lexiconDir,
    cacheDir,
    cacheKey,
    pdfLimits: budget.pdf,
    maxMentions: budget.maxMentions,
    ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
  });
  // the same bytes under a second id would publish the same mentions twice (mention ids come from the bytes):
  // the later entry is reported as a duplicate of the first instead of being read
  const firstWithSha = new Map<string, string>();
  const duplicateOf = manifest.map((e) => {
    const first = firstWithSha.get(e.sha256);
    if (first === undefined) firstWithSha.set(e.sha256, e.id);
    return first ?? null;
  });

  // which sources the cache probably holds (the entry file exists; it is parsed when its turn comes)
  const keys = manifest.map((e, i) => (cache && duplicateOf[i] === null ? probeCache(taskOf(e, null), opts.lexicon.hash) : null));
  const cached = keys.map((k) => k !== null && existsSync(cache!.file(k)));
  const misses: number[] = [];
  cached.forEach((c, i) => c || duplicateOf[i] !== null || misses.push(i));

  const wanted = opts.jobs ?? defaultJobs();
  const isolate = opts.isolate !== false;
  const parallel =
    opts.pool !== undefined ||
    (isolate && misses.length > 0) ||
    (wanted > 1 && misses.length > 1 && (opts.jobs !== undefined || misses.length >= AUTO_PARALLEL_MIN));
  const provided = { dir: opts.lexiconDir, lexicon: opts.lexicon };
  const poolOpts = { budget, lexiconDir: opts.lexiconDir, lexicon: provided, ...(opts.log ? { log: opts.log } : {}) };
  // isolated, every core gets a worker (each takes sources one after another, so start-up is paid once per worker)
  const size = Math.min(wanted, misses.length);
  const pool = parallel ? (opts.pool ?? new WorkerPool(size, undefined, poolOpts)) : null;
  // a pool started before the dataset was read gets the lexicon before its first task (and its new workers with it);
  // a pool that has it already sends nothing again (each worker is sent the vocabulary once)
  if (opts.pool) opts.pool.provideLexicon(provided);
  if (opts.pool && opts.growPool) opts.pool.grow(size);
  const stats: ExtractStats = { sources: n, extracted: 0, cacheHits: 0, failed: 0, pages: 0, jobs: pool ? pool.size : 1 };

  // without a pool the task runs here and is not sent early: it always ends with its SourceOutcome
  const inProcess = (i: number): Promise<SourceOutcome> => runSourceTask(taskOf(manifest[i]!, keys[i] ?? null), opts.lexicon) as Promise<SourceOutcome>;
  // page texts may come after the results only from a pool that outlives this call (the caller closes it)
  const late = opts.pool ? opts.latePageTexts : undefined;
  const lateDone: Promise<void>[] = [];
  const inPool = (i: number): Promise<SourceOutcome> =>
    new Promise<SourceOutcome>((resolve) => {
      const entry = manifest[i]!;
      let sentEarly = false;
      const task: SourceTask = { ...taskOf(entry, keys[i] ?? null), ...(late ? { pageTextsLater: true } : {}) };
      const done = pool!
        .run(task, (o) => {
          sentEarly = true;
          resolve(o as SourceOutcome);
        })
        .then(
          (o) => {
            if (o.kind !== 'pageTexts') return resolve(o as SourceOutcome);
            late!.onPageTexts(entry, o.pageTexts);
            if (o.cacheProblem) say(`cache: the extraction cache ${cacheDir} is not writable (${o.cacheProblem.detail}); sources are extracted but not stored`);
          },
          (err: unknown) => {
            if (sentEarly) late!.onPageTexts(entry, null, (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '');
            else resolve({ kind: 'source', cacheHit: false, encoded: encodeResult(crashed(entry, err), null) });
          },
        );
      if (late) lateDone.push(done);
    });
  const window = Math.max(1, opts.window ?? 4 * (pool?.size ?? 1));
  const said = new Set<string>();
  const say = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    opts.onCacheProblem?.(line);
  };
  const pending = new Map<number, Promise<SourceOutcome>>();
  let nextMiss = 0;
  // When every source to read fits in the window they are all handed to the pool at once, largest file first: the
  // longest extraction starts first instead of last (and a single changed source starts at once, not after the
  // cached ones before it in the manifest). Results are still handed out in manifest order.
  const allAtOnce = pool !== null && misses.length <= window;
  const bytes = new Map(allAtOnce ? misses.map((i) => [i, sourceFileSize(opts.sourcesDir, manifest[i]!.file)]) : []);
  const order = allAtOnce ? [...misses].sort((a, b) => bytes.get(b)! - bytes.get(a)! || a - b) : misses;
  try {
    for (let i = 0; i < n; i++) {
      // keep up to `window` extractions under way ahead of the result handed out next
      if (pool) {
        while (nextMiss < order.length && (allAtOnce || order[nextMiss]! < i + window * 2) && pending.size < window) {
          const j = order[nextMiss++]!;
          pending.set(j, inPool(j));
        }
      }
      const entry = manifest[i]!;
      let o: SourceOutcome | null = null;
      const dup = duplicateOf[i];
      if (dup != null) {
        const error = { source_id: entry.id, reason: 'duplicate_source', message: `${entry.id}: duplicate_source: the same bytes (sha256 ${entry.sha256}) as source ${dup}` };
        o = { kind: 'source', cacheHit: false, encoded: encodeResult({ ...failed(entry), error }, null) };
      }
      let dropped: string | null = null;
      if (!o && cached[i]) {
        const found = cache!.check(keys[i]!);
        if (found.entry && found.entry.result.id === entry.id) o = { kind: 'source', encoded: found.entry, cacheHit: true };
        dropped = found.problem ?? (found.entry && !o ? 'made for another source id' : null);
      }
      if (!o) {
        const p = pending.get(i);
        pending.delete(i);
        o = p ? await p : await inProcess(i); // a corrupt cache entry is re-extracted here and rewritten
      }
      if (dropped !== null || o.cacheProblem?.kind === 'dropped') {
        say(`cache: dropped a bad entry of the extraction cache ${cacheDir} for ${entry.id} (${dropped ?? o.cacheProblem!.detail}); re-extracted`);
      }
      if (o.cacheProblem?.kind === 'unwritable') say(`cache: the extraction cache ${cacheDir} is not writable (${o.cacheProblem.detail}); sources are extracted but not stored`);
      if (o.cacheHit) stats.cacheHits++;
      else stats.extracted++;
      const r = o.encoded.result;
      if (r.error) stats.failed++;
      stats.pages += r.pages ?? 0;
      opts.progress?.tick(r.pages ?? 0);
      await opts.onResult(entry, { ...r, mentions: parseNdjson<SourceResult['mentions'][number]>(o.encoded.mentionsNdjson) }, i, o.encoded);
    }
    late?.settled(Promise.all(lateDone).then(() => undefined));
  } finally {
    if (pool && !opts.pool) await pool.close();
  }
  return stats;
}

function failed(entry: ManifestEntry): SourceResult {
  return { id: entry.id, error: null, bytes: null, pages: null, text: null, textChars: null, mentions: [], skips: [], layout: null };
}

function crashed(entry: ManifestEntry, err: unknown): SourceResult {
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
  // over a budget: the named reason (timeout, too_complex), so errors.json says why, not just that it failed
  const reason = err instanceof BudgetExceeded ? err.reason : 'extract_failed';
  const message = err instanceof BudgetExceeded ? msg : `${entry.id}: extract_failed: ${msg}`;
  return {
    id: entry.id,
    error: { source_id: entry.id, reason, message },
    bytes: null,
    pages: null,
    text: null,
    textChars: null,
    mentions: [],
    skips: [],
    layout: null,
  };
}
