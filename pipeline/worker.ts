/**
 * One extraction task, run either in-process (--jobs 1) or in an extraction child process (pipeline/pool.ts; its
 * entry is pipeline/extractChild.ts, which runs the tasks it is sent with runTask).
 */
import { readFileSync } from 'node:fs';
import { loadLexicon, type Lexicon } from '../extract/lexicon.js';
import { readSourceBytes, sha256Hex, type ManifestEntry } from '../extract/manifest.js';
import type { RenderedPage } from '../audit/renderPages.js';
import { DEFAULT_PDF_LIMITS, type PdfLimits } from '../extract/limits.js';
import { cacheKey, encodeResult, ExtractCache, extractionVersions, type EncodedResult, type ExtractionSettings } from './cache.js';

/**
 * The readers load on first use, and a child loads them before it says it is ready. The main thread imports this
 * module for probeCache and the pool's task types; pdf.js, the HTML parser and the figure grammar would cost it
 * about 0.3 s in a build that reads nothing itself (up to date, every source from the cache, or read by workers).
 */
let readersLoading: Promise<[typeof import('./extractSource.js'), typeof import('../extract/pdf.js'), typeof import('../extract/html.js')]> | null = null;
function readers() {
  return (readersLoading ??= Promise.all([import('./extractSource.js'), import('../extract/pdf.js'), import('../extract/html.js')]));
}

/** Loads the readers now (an extraction child, before it says it is ready); a reader that fails to load is left for the task to report. */
export async function preloadReaders(): Promise<void> {
  await readers().catch(() => undefined);
}

export interface SourceTask {
  kind: 'source';
  sourcesDir: string;
  entry: ManifestEntry;
  lexiconDir: string;
  maxBytes?: number;
  /** PDF caps (extract/limits.ts); defaults when absent */
  pdfLimits?: PdfLimits;
  /** figures one source may state (pipeline/budget.ts) */
  maxMentions?: number;
  /** null: no cache */
  cacheDir: string | null;
  /** the cache key when the caller already worked it out (probeCache); the result is stored under it */
  cacheKey?: string | null;
  /**
   * true: a PDF's result is sent as soon as it is extracted (without page texts), and the page texts of the
   * second read follow as the task's outcome (PageTextsOutcome), so that the build goes on meanwhile
   */
  pageTextsLater?: boolean;
}

/** Text layer only (bench): how many pages and characters a file gives. */
export interface TextLayerTask {
  kind: 'pdfText' | 'htmlText';
  file: string;
}

/** Page images of a PDF for the audit site (audit/renderPdf.ts), in an extraction child for the same budget. */
export interface RenderTask {
  kind: 'render';
  /** what the log calls it (the source id) */
  label: string;
  data: Uint8Array;
  scale: number;
  limits: PdfLimits;
  /** only these pages (1-based); absent: every page */
  pages?: number[];
}

export type Task = SourceTask | TextLayerTask | RenderTask;

/**
 * encoded: see cache.ts EncodedResult. pageTexts (PDF): page texts from a second, independent read of the bytes
 * (extract/pdf.ts readPdfPageTexts), made here so the quote-on-page check need not re-parse the PDF on the
 * main thread; null when not available.
 */
export interface SourceOutcome {
  kind: 'source';
  encoded: EncodedResult;
  /** true: the result came from the cache and the extractor was not called */
  cacheHit: boolean;
  /** what went wrong with the cache for this source (a dropped entry, a failed write), for the build's log */
  cacheProblem?: { kind: 'dropped' | 'unwritable'; detail: string };
}

/** The page texts of a source task whose result was sent before them (SourceTask.pageTextsLater). */
export interface PageTextsOutcome {
  kind: 'pageTexts';
  /** null: the second read failed (the quote-on-page check then says it cannot re-read the PDF) */
  pageTexts: string[] | null;
  cacheProblem?: SourceOutcome['cacheProblem'];
}

export interface RenderOutcome {
  kind: 'render';
  pages: RenderedPage[];
}

export interface TextLayerOutcome {
  kind: 'text';
  pages: number;
  chars: number;
}

export type Outcome = SourceOutcome | TextLayerOutcome | RenderOutcome | PageTextsOutcome;

const lexicons = new Map<string, Lexicon>();

/** A vocabulary the main thread has loaded, handed to a child so that it need not parse the YAML again. */
export interface ProvidedLexicon {
  dir: string;
  lexicon: Lexicon;
}

/** Source tasks naming `provided.dir` use this vocabulary from now on (no YAML parse, no second validation). */
export function useLexicon(provided: ProvidedLexicon): void {
  lexicons.set(provided.dir, provided.lexicon);
}

/**
 * Loads the vocabulary of a folder the source tasks will name, unless it was provided; one that cannot be loaded
 * is left for the first task that needs it to report.
 */
export function preloadLexicon(dir: string): void {
  if (lexicons.has(dir)) return;
  try {
    lexiconFor(dir);
  } catch {
    // reported by the first task that needs it
  }
}

function lexiconFor(dir: string, given?: Lexicon): Lexicon {
  let l = lexicons.get(dir);
  if (!l) {
    l = given ?? loadLexicon(dir);
    lexicons.set(dir, l);
  }
  return l;
}

/** The caps this task reads its source under, as the cache key records them (pipeline/cache.ts). */
function settingsOf(task: SourceTask): ExtractionSettings {
  return {
    maxBytes: task.maxBytes ?? null,
    maxMentions: task.maxMentions ?? null,
    pdf: task.entry.media_type === 'application/pdf' ? { ...DEFAULT_PDF_LIMITS, ...task.pdfLimits } : null,
  };
}

/**
 * The cache key of a source, or null when it cannot have a cache entry (no cache, file missing, too large or
 * not matching its manifest sha256: the extractor reports those). Reads and hashes the file.
 */
export function probeCache(task: SourceTask, lexiconHash: string): string | null {
  if (task.cacheDir === null) return null;
  try {
    const fileSha256 = sha256Hex(readSourceBytes(task.sourcesDir, task.entry, task.maxBytes === undefined ? {} : { maxBytes: task.maxBytes }));
    if (fileSha256 !== task.entry.sha256) return null;
    return cacheKey({ fileSha256, versions: extractionVersions(), lexiconHash, entry: task.entry, settings: settingsOf(task) });
  } catch {
    return null;
  }
}

/**
 * Cache lookup (unless the key is given), else extraction + cache write. Never throws for a bad source.
 * `early`: given the result of a PDF before its second read, which then ends the task as a PageTextsOutcome.
 */
export async function runSourceTask(task: SourceTask, lexicon?: Lexicon, early?: (o: SourceOutcome) => void): Promise<SourceOutcome | PageTextsOutcome> {
  const lex = lexiconFor(task.lexiconDir, lexicon);
  const cache = task.cacheDir === null ? null : new ExtractCache(task.cacheDir);
  let key = task.cacheKey;
  let cacheProblem: SourceOutcome['cacheProblem'];
  if (cache && key === undefined) {
    key = probeCache(task, lex.hash);
    const found = key === null ? null : cache.check(key);
    if (found?.entry && found.entry.result.id === task.entry.id) return { kind: 'source', encoded: found.entry, cacheHit: true };
    if (found?.problem) cacheProblem = { kind: 'dropped', detail: found.problem };
  }
  const maxBytes = task.maxBytes === undefined ? {} : { maxBytes: task.maxBytes };
  const pdfLimits = {
    ...(task.pdfLimits === undefined ? {} : { pdfLimits: task.pdfLimits }),
    ...(task.maxMentions === undefined ? {} : { maxMentions: task.maxMentions }),
  };
  const [{ extractSource }, { readPdfPageTexts }] = await readers();
  const result = await extractSource(task.sourcesDir, task.entry, { lexicon: lex, ...maxBytes, ...pdfLimits });
  const encoded = encodeResult(result, null);
  const sentEarly = early !== undefined && result.error === null && task.entry.media_type === 'application/pdf';
  if (sentEarly) early({ kind: 'source', encoded, cacheHit: false, ...(cacheProblem ? { cacheProblem } : {}) });
  if (result.error === null && task.entry.media_type === 'application/pdf') {
    try {
      encoded.pageTexts = await readPdfPageTexts(readSourceBytes(task.sourcesDir, task.entry, maxBytes), task.pdfLimits);
    } catch {
      encoded.pageTexts = null; // the check re-reads the file itself and reports what it finds
    }
  }
  if (cache && key && result.error === null) {
    const stored = cache.put(key, encoded);
    if (typeof stored === 'string') cacheProblem = { kind: 'unwritable', detail: stored };
  }
  if (sentEarly) return { kind: 'pageTexts', pageTexts: encoded.pageTexts, ...(cacheProblem?.kind === 'unwritable' ? { cacheProblem } : {}) };
  return { kind: 'source', encoded, cacheHit: false, ...(cacheProblem ? { cacheProblem } : {}) };
}

export async function runTask(task: Task, lexicon?: Lexicon, early?: (o: SourceOutcome) => void): Promise<Outcome> {
  if (task.kind === 'source') return runSourceTask(task, lexicon, task.pageTextsLater ? early : undefined);
  if (task.kind === 'render') {
    // loaded here, not at the top: pdf-parse and its canvas cost every extraction child ~0.2 s of start-up for a task only page-image restores run
    const { renderPagesInProcess } = await import('../audit/renderPages.js');
    return { kind: 'render', pages: await renderPagesInProcess(task.data, task.scale, task.limits, task.pages) };
  }
  const [, { readPdfTextLayer }, { readHtmlTextLayer }] = await readers();
  const bytes = readFileSync(task.file);
  const meta = { sourceId: 'bench', sha256: '0'.repeat(64) };
  const layer = task.kind === 'pdfText' ? await readPdfTextLayer(bytes, meta) : readHtmlTextLayer(bytes, meta);
  return { kind: 'text', pages: layer.pages.length || 1, chars: layer.text.length };
}

