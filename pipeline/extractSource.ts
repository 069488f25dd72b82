import { readHtmlTextLayer } from '../extract/html.js';
import type { Lexicon } from '../extract/lexicon.js';
import { readSourceBytes, type ManifestEntry } from '../extract/manifest.js';
import { extractMentions } from '../extract/mentions.js';
import { codePointLength, OffsetIndex } from '../extract/offsets.js';
import { readPdfTextLayer } from '../extract/pdf.js';
import type { Mention, Skip, SourceErrorRecord } from '../extract/records.js';
import { SourceError, type TextLayer } from '../extract/textLayer.js';

/** Everything the build keeps from one source; a pure function of (file bytes, extractor, lexicon). */
export interface SourceResult {
  id: string;
  error: SourceErrorRecord | null;
  bytes: number | null;
  pages: number | null;
  /** the published text layer (null when the source failed) */
  text: string | null;
  textChars: number | null;
  mentions: Mention[];
  skips: Skip[];
  /** PDF only: where pages and text items sit, in code points, so quotes can be drawn on the page */
  layout: Layout | null;
}

export interface Layout {
  pages: { page: number; width: number; height: number; char_start: number; char_end: number }[];
  items: { page: number; char_start: number; char_end: number; bbox: [number, number, number, number] }[];
}

export function layoutOf(layer: TextLayer): Layout | null {
  if (!layer.pages.length) return null;
  const index = new OffsetIndex(layer.text);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    pages: layer.pages.map((p) => ({ page: p.page, width: round(p.width), height: round(p.height), char_start: index.toCodePoint(p.start), char_end: index.toCodePoint(p.end) })),
    items: layer.items.map((it) => ({
      page: it.page,
      char_start: index.toCodePoint(it.start),
      char_end: index.toCodePoint(it.end),
      bbox: [round(it.bbox[0]), round(it.bbox[1]), round(it.bbox[2]), round(it.bbox[3])],
    })),
  };
}

export interface ExtractOptions {
  maxBytes?: number;
  lexicon: Lexicon;
}

export async function readTextLayer(entry: ManifestEntry, bytes: Uint8Array): Promise<TextLayer> {
  const meta = { sourceId: entry.id, sha256: entry.sha256 };
  switch (entry.media_type) {
    case 'application/pdf':
      return readPdfTextLayer(bytes, meta);
    case 'text/html':
      return readHtmlTextLayer(bytes, { ...meta, charset: entry.charset });
    default:
      throw new SourceError(entry.id, 'unsupported_media_type', `media type ${String(entry.media_type)} is not supported`);
  }
}

/** Reads, verifies and extracts one source. Never throws for a bad source: the error is data. */
export async function extractSource(sourcesDir: string, entry: ManifestEntry, opts: ExtractOptions): Promise<SourceResult> {
  let size: number | null = null;
  try {
    const bytes = readSourceBytes(sourcesDir, entry, opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes });
    size = bytes.length;
    const layer = await readTextLayer(entry, bytes);
    const { mentions, skips } = extractMentions(layer, { sourceId: entry.id, sha256: entry.sha256, published: entry.published }, opts.lexicon);
    return {
      id: entry.id,
      error: null,
      bytes: size,
      pages: layer.pages.length ? layer.pages.length : null,
      text: layer.text,
      textChars: codePointLength(layer.text),
      mentions,
      skips,
      layout: layoutOf(layer),
    };
  } catch (err) {
    const e =
      err instanceof SourceError
        ? { source_id: entry.id, reason: err.reason, message: err.message }
        : { source_id: entry.id, reason: 'extract_failed', message: `${entry.id}: extract_failed: ${oneLine(err)}` };
    return { id: entry.id, error: e, bytes: size, pages: null, text: null, textChars: null, mentions: [], skips: [], layout: null };
  }
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
