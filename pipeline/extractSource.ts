import { readHtmlTextLayer } from '../extract/html.js';
import type { Lexicon } from '../extract/lexicon.js';
import { readSourceBytes, type ManifestEntry } from '../extract/manifest.js';
import { extractMentions } from '../extract/mentions.js';
import { codePointLength, OffsetIndex } from '../extract/offsets.js';
import { readPdfTextLayer } from '../extract/pdf.js';
import { DEFAULT_PDF_LIMITS, type PdfLimits } from '../extract/limits.js';
import { MentionSchema, type Mention, type Skip, type SourceErrorRecord } from '../extract/records.js';
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

/**
 * Published as `layout/<id>.json`. Coordinates are PDF points at scale 1, origin top-left of the page.
 * An item with `x` is upright text whose glyphs were placed: `bbox` is then its glyphs' box (top and bottom
 * from the fonts' ascent and descent), and code point `char_start + i` spans from `bbox[0] + x[i]` to
 * `bbox[0] + x[i + 1]` (`x` has one entry per code point plus one). An item without `x` has only its box.
 */
export interface Layout {
  pages: { page: number; width: number; height: number; char_start: number; char_end: number }[];
  items: { page: number; char_start: number; char_end: number; bbox: [number, number, number, number]; x?: number[] }[];
}

export function layoutOf(layer: TextLayer): Layout | null {
  if (!layer.pages.length) return null;
  const index = new OffsetIndex(layer.text);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    pages: layer.pages.map((p) => ({ page: p.page, width: round(p.width), height: round(p.height), char_start: index.toCodePoint(p.start), char_end: index.toCodePoint(p.end) })),
    items: layer.items.map((it) => {
      const char_start = index.toCodePoint(it.start);
      const char_end = index.toCodePoint(it.end);
      const g = it.glyphs;
      if (!g || g.x.length !== it.end - it.start + 1) {
        return { page: it.page, char_start, char_end, bbox: [round(it.bbox[0]), round(it.bbox[1]), round(it.bbox[2]), round(it.bbox[3])] as Layout['items'][number]['bbox'] };
      }
      // one edge per code point (a surrogate pair's low half has none) plus the end
      const left = g.x[0]!;
      const x: number[] = [];
      for (let cp = char_start; cp <= char_end; cp++) x.push(round(g.x[index.toUtf16(cp) - it.start]! - left));
      const right = left + x[x.length - 1]!;
      return { page: it.page, char_start, char_end, bbox: [round(left), round(g.top), round(right), round(g.bottom)] as Layout['items'][number]['bbox'], x };
    }),
  };
}

export interface ExtractOptions {
  maxBytes?: number;
  lexicon: Lexicon;
  pdfLimits?: PdfLimits;
  /** figures one source may state (pipeline/budget.ts maxMentions); no cap when absent */
  maxMentions?: number;
}

export async function readTextLayer(entry: ManifestEntry, bytes: Uint8Array, pdfLimits: PdfLimits = DEFAULT_PDF_LIMITS): Promise<TextLayer> {
  const meta = { sourceId: entry.id, sha256: entry.sha256 };
  switch (entry.media_type) {
    case 'application/pdf':
      return readPdfTextLayer(bytes, meta, pdfLimits);
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
    const layer = await readTextLayer(entry, bytes, opts.pdfLimits);
    const { mentions, skips } = extractMentions(layer, { sourceId: entry.id, sha256: entry.sha256, published: entry.published }, opts.lexicon);
    // a row the published tables would refuse fails this source here, by name, not the whole publish step later
    if (opts.maxMentions !== undefined && mentions.length > opts.maxMentions) {
      throw new SourceError(entry.id, 'too_complex', `${mentions.length} figures, over the cap of ${opts.maxMentions} per source (--max-mentions)`);
    }
    const bad = firstInvalidMention(mentions);
    if (bad) throw new SourceError(entry.id, 'invalid_rows', bad);
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

function firstInvalidMention(mentions: Mention[]): string | null {
  for (let i = 0; i < mentions.length; i++) {
    const r = MentionSchema.safeParse(mentions[i]);
    if (!r.success) {
      const issue = r.error.issues[0];
      return `mention ${mentions[i]!.mention_id} (“${mentions[i]!.quote.slice(0, 40)}”): ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`;
    }
  }
  return null;
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
