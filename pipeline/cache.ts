/**
 * Content-hash cache of per-source extraction results.
 *
 * A source's SourceResult is a pure function of (file bytes, extractor code, lexicon, the manifest fields the
 * extractor reads). The key hashes exactly those: the file's sha256 (computed from the bytes, not trusted from
 * the manifest), the text-layer and mention extractor versions, the lexicon hash and the entry's id,
 * media_type, published, charset and sha256. Entries live in `<dir>/v1/<k0k1>/<key>.json`, are written to a
 * temporary file and renamed into place (a reader never sees half a file), and carry their own key: an entry
 * that does not parse or does not match is ignored (and rewritten after the re-extraction). The folder can be
 * deleted at any time.
 *
 * Errors are never cached: most of them (missing file, sha256 mismatch, size cap) depend on the environment
 * rather than on the bytes, and the deterministic ones (a corrupt PDF) are cheap to reproduce.
 */
import { languageHash } from '../extract/language.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTML_TEXT_LAYER_VERSION } from '../extract/html.js';
import type { ManifestEntry } from '../extract/manifest.js';
import { extractorVersion } from '../extract/mentions.js';
import { PDF_TEXT_LAYER_VERSION } from '../extract/pdf.js';
import type { SourceResult } from './extractSource.js';

export const CACHE_FORMAT = 'figtrail-extract-cache/3';

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

/** Everything in the code that changes what extraction returns for the same bytes. */
export function extractionVersions(): string {
  return `pdf:${PDF_TEXT_LAYER_VERSION}|html:${HTML_TEXT_LAYER_VERSION}|mentions:${extractorVersion()}|code:${extractorCodeHash()}|language:${languageHash().slice(0, 16)}`;
}

export interface CacheKeyParts {
  fileSha256: string;
  versions: string;
  lexiconHash: string;
  entry: Pick<ManifestEntry, 'id' | 'media_type' | 'published' | 'sha256'> & { charset?: string | null | undefined };
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

interface CacheFile extends EncodedResult {
  format: string;
  key: string;
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
    let raw: string;
    try {
      raw = readFileSync(this.file(key), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = JSON.parse(raw) as Partial<CacheFile>;
      if (parsed.format !== CACHE_FORMAT || parsed.key !== key) return null;
      const r = parsed.result;
      if (!isSourceResult(r) || r.error !== null) return null;
      if (typeof parsed.mentionsNdjson !== 'string' || !(parsed.layoutJson === null || typeof parsed.layoutJson === 'string')) return null;
      const pt = parsed.pageTexts;
      return { result: r, layoutJson: parsed.layoutJson, mentionsNdjson: parsed.mentionsNdjson, pageTexts: Array.isArray(pt) && pt.every((x) => typeof x === 'string') ? pt : null };
    } catch {
      return null;
    }
  }

  /** Atomic write (temp file + rename); errors are never stored; a failed write is not an error. */
  put(key: string, entry: EncodedResult): boolean {
    if (entry.result.error !== null) return false;
    const target = this.file(key);
    const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      const body: CacheFile = { format: CACHE_FORMAT, key, ...entry };
      writeFileSync(tmp, JSON.stringify(body));
      renameSync(tmp, target);
      return true;
    } catch {
      rmSync(tmp, { force: true });
      return false;
    }
  }
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
