import type { ByteMap, PageSpan, Span } from './offsets.js';

/**
 * What a region of the text layer is. `content` is article/body text; everything else is kept
 * (so quotes stay exact and offsets stay stable) but is not where figures about the subject live.
 */
export type RegionKind = 'content' | 'chrome' | 'header' | 'footer' | 'page_number' | 'sidebar' | 'heading';

export interface Region extends Span {
  kind: RegionKind;
}

/** One positioned piece of PDF text: where it sits in the text layer and on the page. */
export interface PdfItem extends Span {
  page: number;
  /** [x0, y0, x1, y1] in PDF points at scale 1, origin at the page's top-left (pdf.js viewport space) */
  bbox: [number, number, number, number];
  /**
   * Upright left-to-right text whose glyphs pdf.js placed (see pdfGlyphs.ts): per UTF-16 unit of the item,
   * where it starts along x (the last entry: where the last one ends), and the glyphs' vertical extent
   * from the fonts' ascent and descent; viewport space like `bbox`. Absent when unknown.
   */
  glyphs?: { x: number[]; top: number; bottom: number };
}

export interface PageInfo extends PageSpan {
  width: number;
  height: number;
}

/**
 * A source's text layer. All spans here are UTF-16 offsets into `text` (see offsets.ts);
 * published offsets are converted to code points by offsets.ts.
 */
export interface TextLayer {
  sourceId: string;
  sha256: string;
  mediaType: 'application/pdf' | 'text/html';
  /** PDF: page texts joined by "\f". HTML: the decoded text, blocks separated by "\n". */
  text: string;
  /** PDF only (empty for HTML) */
  pages: PageInfo[];
  /** sorted by start, non-overlapping; text not covered by a region counts as content */
  regions: Region[];
  /** PDF only (empty for HTML): sorted by start */
  items: PdfItem[];
  /** HTML only (null for PDF): per UTF-16 unit, the raw byte range it came from */
  byteMap: ByteMap | null;
  /** HTML only: the charset the raw bytes were decoded with (e.g. "utf-8", "gbk") */
  charset: string | null;
}

/** Why a source could not be read. Stable strings: they are published in errors.json. */
export type SourceErrorReason =
  | 'missing_file'
  | 'path_outside_sources'
  | 'not_regular_file'
  | 'symlink_refused'
  | 'sha256_mismatch'
  | 'empty_file'
  | 'too_large'
  | 'corrupt_pdf'
  | 'encrypted_pdf'
  | 'no_text_layer'
  | 'invalid_encoding'
  | 'unsupported_charset'
  | 'unsupported_media_type'
  | 'extract_failed'
  // over a budget (pipeline/budget.ts): the source is too costly to read safely, not necessarily broken
  | 'timeout'
  | 'too_complex'
  | 'too_many_pages'
  | 'inflate_limit'
  | 'invalid_rows'
  | 'duplicate_source';

/** Thrown by a stage for one source; the build records it and goes on with the others. */
export class SourceError extends Error {
  readonly sourceId: string;
  readonly reason: SourceErrorReason;
  constructor(sourceId: string, reason: SourceErrorReason, message: string) {
    super(`${sourceId}: ${reason}: ${message}`);
    this.name = 'SourceError';
    this.sourceId = sourceId;
    this.reason = reason;
  }
}

/** Text of a span of the layer. */
export function sliceLayer(layer: TextLayer, span: Span): string {
  return layer.text.slice(span.start, span.end);
}

/** The region kind at a UTF-16 offset (content when no region covers it). */
export function regionAt(layer: Pick<TextLayer, 'regions'>, offset: number): RegionKind {
  const rs = layer.regions;
  let lo = 0;
  let hi = rs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rs[mid]!;
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return r.kind;
  }
  return 'content';
}
