/**
 * Content-hash cache of per-source extraction results.
 *
 * A source's SourceResult is a pure function of (file bytes, extractor code, lexicon, the manifest fields the
 * extractor reads). The key hashes exactly those: the file's sha256 (computed from the bytes, not trusted from
 * the manifest), the extractor's versions (pdf.js, a hash of its code and language data), the lexicon hash, the entry's id,
 * media_type, published, charset and sha256, and the caps the source was read under (ExtractionSettings). Entries live in `<dir>/v1/<k0k1>/<key>.json`, are written to a
 * temporary file and renamed into place (a reader never sees half a file). An entry is one header line
 * `{format, key, sha256, bytes}` and the payload (see encodePayload: the result as one JSON line, then the layout
 * file's text and the mentions' NDJSON as they are, not as escaped JSON strings); the header names the key the entry
 * was made for and the sha256 of the payload bytes, checked on every read before the payload is parsed: a
 * flipped digit, a truncated or edited entry is dropped, re-extracted, rewritten and reported (`check`), never
 * published. The folder can be deleted at any time.
 *
 * Errors are never cached: most of them (missing file, sha256 mismatch, size cap) depend on the environment
 * rather than on the bytes, and the deterministic ones (a corrupt PDF) are cheap to reproduce.
 */
import { languageHash } from '../extract/language.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PdfLimits } from '../extract/limits.js';
import type { ManifestEntry } from '../extract/manifest.js';
import { readCheckedEntry, writeCheckedEntry } from './checkedEntry.js';
import { PDF_TEXT_LAYER_VERSION } from '../extract/pdfVersion.js';
import type { SourceResult } from './extractSource.js';

export const CACHE_FORMAT = 'figtrail-extract-cache/5';

let extractorCode: string | null = null;

/**
 * A fingerprint of the extractor's own code (the modules beside extract/mentions.js, as they run: .ts under
 * vitest, compiled .js from dist/). Version constants are bumped by hand and can be forgotten; a changed
 * line of grammar or context code must never be served from a stale cache.
 */
function extractorCodeHash(): string {
  if (extractorCode !== null) return extractorCode;
  const dir = fileURLToPath(new URL('../extract/', import.meta.url));
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) {
    if (!/\.(js|ts)$/.test(f) || /\.test\./.test(f)) continue;
    h.update(`${f}\0`).update(readFileSync(path.join(dir, f))).update('\0');
  }
  extractorCode = h.digest('hex').slice(0, 16);
  return extractorCode;
}

/**
 * Everything in the code that changes what extraction returns for the same bytes. The hand-bumped versions of the
 * HTML text layer and of the grammar and mention rules are not named: they are constants in the extractor's
 * modules, whose bytes `code:` hashes, and the grammar's vocabulary is `language:`. Naming them would load the
 * HTML parser and the grammar (compiling its language data) on the main thread, which reads no source itself.
 * pdf.js is a dependency outside extract/, so its version stays.
 */
export function extractionVersions(): string {
  return `pdf:${PDF_TEXT_LAYER_VERSION}|code:${extractorCodeHash()}|language:${languageHash().slice(0, 16)}`;
}

/**
 * The build settings a result depends on: the caps past which a source fails (--max-bytes, --max-mentions and,
 * for a PDF, the PDF caps). A result made under a higher cap is not what a build under a lower one would make
 * (it fails there), so each setting is part of the key. Time and heap budgets are not: under them a source
 * either gives this very result or fails, and failures are never cached.
 */
export interface ExtractionSettings {
  maxBytes: number | null;
  maxMentions: number | null;
  /** null for an HTML source (it reads none of them) */
  pdf: PdfLimits | null;
}

export interface CacheKeyParts {
  fileSha256: string;
  versions: string;
  lexiconHash: string;
  entry: Pick<ManifestEntry, 'id' | 'media_type' | 'published' | 'sha256'> & { charset?: string | null | undefined };
  settings: ExtractionSettings;
}

export function cacheKey(p: CacheKeyParts): string {
  const e = p.entry;
  const material = JSON.stringify([
    CACHE_FORMAT,
    p.fileSha256,
    p.versions,
    p.lexiconHash,
    e.id,
    e.media_type,
    e.published ?? null,
    e.charset ?? null,
    e.sha256,
    p.settings.maxBytes,
    p.settings.maxMentions,
    // the caps by name, in a fixed order: the key does not depend on how the object was put together
    p.settings.pdf === null ? null : Object.entries(p.settings.pdf).sort(([a], [b]) => (a < b ? -1 : 1)),
  ]);
  return createHash('sha256').update(material).digest('hex');
}

/**
 * A source's extraction, as the pool hands it over and the cache stores it: the SourceResult without its layout
 * and mentions, which travel as the JSON text the build writes anyway (layout file, transform input) so that a
 * cache hit costs no re-serialising.
 */
export interface EncodedResult {
  /** layout: null and mentions: [] here; see layoutJson and mentionsNdjson */
  result: SourceResult;
  /** the layout file's content (JSON + "\n"), or null */
  layoutJson: string | null;
  /** the mentions as newline-delimited JSON: the transform's input as the build appends it */
  mentionsNdjson: string;
  /** PDF: the page texts of an independent re-read (readPdfPageTexts), for the quote-on-page check */
  pageTexts: string[] | null;
}

export type CacheEntry = EncodedResult;


/** What a cache read found: the entry, or why an entry that was there could not be used. */
export interface CacheCheck {
  entry: CacheEntry | null;
  /** null: a good entry, or no entry at all */
  problem: string | null;
}

/** Rows as newline-delimited JSON, one object a line (what the transform reads). */
export function ndjson(rows: readonly unknown[]): string {
  let out = '';
  for (const r of rows) out += `${JSON.stringify(r)}\n`;
  return out;
}

export function parseNdjson<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as T);
  return out;
}

export function encodeResult(r: SourceResult, pageTexts: string[] | null): EncodedResult {
  return {
    result: { ...r, layout: null, mentions: [] },
    layoutJson: r.layout ? `${JSON.stringify(r.layout)}\n` : null,
    mentionsNdjson: ndjson(r.mentions),
    pageTexts,
  };
}

export function decodeResult(e: EncodedResult): SourceResult {
  return { ...e.result, layout: e.layoutJson === null ? null : (JSON.parse(e.layoutJson) as SourceResult['layout']), mentions: parseNdjson<SourceResult['mentions'][number]>(e.mentionsNdjson) };
}

export class ExtractCache {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  file(key: string): string {
    return path.join(this.dir, 'v1', key.slice(0, 2), `${key}.json`);
  }

  /** The cached entry, or null when absent, unreadable, corrupt or for another key. */
  get(key: string): CacheEntry | null {
    return this.check(key).entry;
  }

  /** The cached entry after checking its key and payload sha256; a bad entry is deleted and its problem named. */
  check(key: string): CacheCheck {
    const file = this.file(key);
    const read = readCheckedEntry(file, CACHE_FORMAT, key);
    if (read.kind === 'absent') return { entry: null, problem: null };
    const problem = (why: string): CacheCheck => {
      rmSync(file, { force: true }); // dropped: the re-extraction writes it again
      return { entry: null, problem: why };
    };
    if (read.kind === 'bad') return problem(read.problem);
    const decoded = decodePayload(read.payload);
    return typeof decoded === 'string' ? problem(decoded) : { entry: decoded, problem: null };
  }

  /**
   * Atomic write (temp file + rename); errors are never stored. A failed write is not an error for the build:
   * the reason (e.g. "EACCES") is returned so the caller can warn once; true when stored.
   */
  put(key: string, entry: EncodedResult): true | string | false {
    if (entry.result.error !== null) return false;
    return writeCheckedEntry(this.file(key), CACHE_FORMAT, key, encodePayload(entry));
  }
}

/** What a payload's first line holds: the result, the page texts, and the byte lengths of the two texts after it. */
interface PayloadHead {
  result: SourceResult;
  pageTexts: string[] | null;
  /** the layout file's text (null: none) */
  layoutBytes: number | null;
  mentionsBytes: number;
}

/**
 * An entry's payload: the result (layout and mentions left out, as in EncodedResult) with the page texts and the
 * byte lengths of what follows, as one JSON line; then the layout file's text and the mentions' NDJSON, as the
 * build writes them. Those two are most of an entry (a PDF's layout, every mention with its sentence): held as
 * JSON strings they were escaped on writing and unescaped by JSON.parse on every read (~0.7 s of the 2.8 s a
 * scale build spent reading 700 sources from the cache, 2 cores under load); here a read only decodes their bytes.
 */
export function encodePayload(e: EncodedResult): Buffer {
  const layout = e.layoutJson === null ? null : Buffer.from(e.layoutJson, 'utf8');
  const mentions = Buffer.from(e.mentionsNdjson, 'utf8');
  const head: PayloadHead = { result: e.result, pageTexts: e.pageTexts, layoutBytes: layout === null ? null : layout.length, mentionsBytes: mentions.length };
  return Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`, 'utf8'), ...(layout === null ? [] : [layout]), mentions]);
}

/** The EncodedResult of a payload, or why it is none. */
export function decodePayload(payload: Buffer): EncodedResult | string {
  const nl = payload.indexOf(0x0a);
  let head: Partial<PayloadHead>;
  try {
    head = JSON.parse(payload.toString('utf8', 0, nl < 0 ? payload.length : nl)) as Partial<PayloadHead>;
  } catch {
    return 'payload is not JSON';
  }
  const r = head.result;
  if (!isSourceResult(r) || r.error !== null) return 'not an extraction result';
  const { layoutBytes, mentionsBytes } = head;
  const isLength = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (nl < 0 || !(layoutBytes === null || isLength(layoutBytes)) || !isLength(mentionsBytes) || nl + 1 + (layoutBytes ?? 0) + mentionsBytes !== payload.length) {
    return 'not an extraction result';
  }
  const layoutEnd = nl + 1 + (layoutBytes ?? 0);
  const pt = head.pageTexts;
  return {
    result: r,
    layoutJson: layoutBytes === null ? null : payload.toString('utf8', nl + 1, layoutEnd),
    mentionsNdjson: payload.toString('utf8', layoutEnd),
    pageTexts: Array.isArray(pt) && pt.every((x) => typeof x === 'string') ? pt : null,
  };
}

function isSourceResult(r: unknown): r is SourceResult {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return (
    typeof o.id === 'string' &&
    'error' in o &&
    (o.text === null || typeof o.text === 'string') &&
    Array.isArray(o.mentions) &&
    Array.isArray(o.skips) &&
    (o.layout === null || (typeof o.layout === 'object' && Array.isArray((o.layout as { pages?: unknown }).pages)))
  );
}
