/**
 * PDF → text layer, with pdf.js (`getTextContent`) doing the glyph decoding and this module doing the
 * layout: lines, columns, reading order, running headers/footers and page numbers.
 *
 * Layout model (generic, no per-document knowledge):
 * 1. Items → lines: items of one orientation whose baselines lie within a fraction of the font size.
 * 2. Gutters: vertical strips free of ink over a run of consecutive lines, with text on both sides and the
 *    text right of the strip starting at one x (left-aligned/justified columns). Word gaps ("rivers") in
 *    justified text do not keep one x for their right edge, gutters do. Lines are split at gutters into
 *    segments.
 * 3. Reading order: a recursive XY cut over segments. Horizontal bands (y ranges no segment crosses) are
 *    merged while together they keep a common vertical cut (so two columns whose lines sit on the same
 *    baselines are not read line across line); a merged group is then cut into columns left to right.
 * 4. Regions: top/bottom-band lines repeating (modulo digits) on several pages are header/footer, bare
 *    numbers there are page_number, and a small block at the very bottom set off by a large gap is footer.
 *
 * Text is never changed: items are joined as pdf.js gives them; the only characters this module adds are a
 * " " between two items of a line with a visible gap and no whitespace on either side, "\n" after each
 * line and "\f" between pages (joinPages). The one exception: a "\f" inside an item string (never seen in
 * practice) becomes " ", because a page text must not contain the page separator; the length is kept.
 */
import { getDocument, pdfWorker } from './pdfPort.js';
import type { PDFPageProxy, TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { checkInflatedSize, DEFAULT_PDF_LIMITS, type PdfLimits } from './limits.js';
import { joinPages } from './offsets.js';
import { itemGlyphEdges, mul, pageGlyphsOfItems, type GlyphedTextItem, type ItemEdges } from './pdfGlyphs.js';
import { SourceError, type PageInfo, type PdfItem, type Region, type RegionKind, type TextLayer } from './textLayer.js';

export { PDF_TEXT_LAYER_VERSION } from './pdfVersion.js';

// ------------------------------------------------------------------ tunables (fractions of the font size)

/** Items whose baselines differ by at most this × font size share a line (superscripts stay in their line). */
const LINE_BASELINE_TOLERANCE = 0.45;
/** A gap wider than this × font size between two items of a line is visible: a space is inserted if needed. */
const VISIBLE_GAP = 0.15;
/** A column gutter / vertical cut is at least this × the page's median font size wide. */
const MIN_GUTTER = 0.8;
/** A gutter needs this many lines with ink on both sides (and this many right-side lines starting at one x). */
const MIN_GUTTER_LINES = 3;
/** Right-side lines must start within this many points of the gutter's right edge to count as aligned. */
const GUTTER_ALIGN_TOLERANCE = 1.5;
/** Columns produced by merging bands must each be at least this × median font size wide (no label lists). */
const MIN_COLUMN_WIDTH = 4;
/** Top/bottom band of a page where running headers, footers and page numbers live (fraction of height). */
const EDGE_BAND = 0.1;
/** A bottom block is a footer when the baseline step into it is at least this × the page's median pitch. */
const FOOTER_GAP = 1.8;
/** Running headers/footers repeat at the same baseline, within about this many points. */
const HEAD_POSITION_TOLERANCE = 4;
/** A gap-separated bottom block is a footer only when set in type smaller than this × the median size. */
const FOOTER_MAX_SIZE = 0.95;
/** A sidebar column is at most this × the main column's width and set below this × its median type size. */
const SIDEBAR_MAX_WIDTH = 0.8;
const SIDEBAR_MAX_SIZE = 0.95;
/** More active gutter candidates than this per page are not tracked (pathological pages stay linear). */
const MAX_STRIPS = 64;

// ------------------------------------------------------------------ internal shapes

interface PlacedItem {
  str: string;
  /** axis-aligned box in viewport space (top-left origin) */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** font size in viewport units */
  size: number;
  /** text direction in degrees, rounded (0 = left to right) */
  angle: number;
  /** position along the text direction, and its end */
  along: number;
  alongEnd: number;
  /** baseline position across the text direction (grows downwards for horizontal text) */
  base: number;
  /** has a non-whitespace character */
  ink: boolean;
  /** index in pdf.js order: the tie-breaker */
  seq: number;
  /** where the item's glyphs sit, when pdf.js's glyphs could be laid onto it */
  glyphs: ItemEdges | null;
}

interface Line {
  items: PlacedItem[];
  angle: number;
  base: number;
  size: number;
  /** position in the page's top-to-bottom line order */
  row: number;
  /** the top of its items' boxes (what orders the lines) */
  top: number;
}

interface Segment {
  items: PlacedItem[];
  /** ink box (whitespace items excluded, so trailing spaces don't bridge gutters) */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  row: number;
  base: number;
  size: number;
  /** part of a narrower, smaller-type column beside the main text */
  sidebar: boolean;
}

interface PageLayout {
  width: number;
  height: number;
  /** segments in reading order */
  segments: Segment[];
  medianSize: number;
  medianPitch: number;
}

interface BuiltPage {
  text: string;
  width: number;
  height: number;
  /** item spans relative to the page text */
  items: PdfItem[];
  /** per segment (reading order): span in page text (incl. its "\n"), box, text */
  lines: { start: number; end: number; x0: number; y0: number; x1: number; y1: number; base: number; size: number; sidebar: boolean; text: string }[];
  medianPitch: number;
  medianSize: number;
}

// ------------------------------------------------------------------ public API

export async function readPdfTextLayer(bytes: Uint8Array, meta: { sourceId: string; sha256: string }, limits: PdfLimits = DEFAULT_PDF_LIMITS): Promise<TextLayer> {
  const pages = await buildPages(bytes, meta.sourceId, limits);
  const { text, pages: spans } = joinPages(pages.map((p) => p.text));
  const pageInfos: PageInfo[] = spans.map((s, i) => ({ ...s, width: pages[i]!.width, height: pages[i]!.height }));
  const items: PdfItem[] = [];
  pages.forEach((p, i) => {
    const off = spans[i]!.start;
    // the page's own items, moved to the document's offsets (nothing else reads them)
    for (const it of p.items) {
      it.start += off;
      it.end += off;
      items.push(it);
    }
  });
  const regions = detectRegions(pages, spans.map((s) => s.start));
  return {
    sourceId: meta.sourceId,
    sha256: meta.sha256,
    mediaType: 'application/pdf',
    text,
    pages: pageInfos,
    regions,
    items,
    byteMap: null,
    charset: null,
  };
}

/** The page texts exactly as readPdfTextLayer joins them (used to re-check provenance). */
export async function readPdfPageTexts(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS): Promise<string[]> {
  // glyph edges only place items on the page: the text never depends on them, so this read leaves them out
  const pages = await buildPages(bytes, 'pdf', limits, false);
  return pages.map((p) => p.text);
}

// ------------------------------------------------------------------ loading

const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** pdf.js, like Acrobat, accepts the header anywhere in the first 1024 bytes; so do we. */
function hasPdfHeader(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length - PDF_HEADER.length, 1024);
  outer: for (let i = 0; i <= limit; i++) {
    for (let k = 0; k < PDF_HEADER.length; k++) if (bytes[i + k] !== PDF_HEADER[k]) continue outer;
    return true;
  }
  return false;
}

function oneLine(message: unknown): string {
  const s = message instanceof Error ? message.message : String(message);
  return s.replace(/\s+/g, ' ').trim() || 'unknown error';
}

async function buildPages(bytes: Uint8Array, sourceId: string, limits: PdfLimits, withGlyphs = true): Promise<BuiltPage[]> {
  if (bytes.length === 0) throw new SourceError(sourceId, 'empty_file', 'the file has zero bytes');
  if (!hasPdfHeader(bytes)) throw new SourceError(sourceId, 'corrupt_pdf', 'not a PDF: no %PDF- header in the first 1024 bytes');
  await checkInflatedSize(bytes, sourceId, limits.maxInflatedBytes);

  // The caller's bytes, not a copy: over pdfPort.ts's port pdf.js's transfer list detaches nothing, and pdf.js only
  // reads them (extract/pdf.test.ts checks that they are whole and unchanged after a read). A plain view, because
  // pdf.js refuses a Node Buffer; one that does not span its whole buffer pdf.js copies itself.
  const task = getDocument({
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    worker: pdfWorker(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    // A file with a user password: pdf.js asks for it. A file encrypted with only an owner password
    // (permissions) opens without one and is read like any other: its text is what every viewer shows.
    if ((e as { name?: string } | null)?.name === 'PasswordException') {
      throw new SourceError(sourceId, 'encrypted_pdf', 'the PDF is encrypted with a user password');
    }
    throw new SourceError(sourceId, 'corrupt_pdf', `pdf.js cannot open it: ${oneLine(e)}`);
  }
  try {
    if (doc.numPages > limits.maxPages) {
      throw new SourceError(sourceId, 'too_many_pages', `${doc.numPages} pages, over the cap of ${limits.maxPages} (--max-pages)`);
    }
    const pages: BuiltPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let page;
      let text: PageText;
      try {
        page = await doc.getPage(n);
        text = await textItemsCapped(page, n, sourceId, limits.maxTextItemsPerPage);
      } catch (e) {
        if (e instanceof SourceError) throw e;
        // pdf.js may open a damaged file partially; a page it cannot read makes the file corrupt.
        throw new SourceError(sourceId, 'corrupt_pdf', `page ${n} cannot be read: ${oneLine(e)}`);
      }
      if (text.operators > limits.maxOperatorsPerPage) {
        throw new SourceError(sourceId, 'too_complex', `page ${n} has ${text.operators} drawing operators, over the cap of ${limits.maxOperatorsPerPage} (--max-operators)`);
      }
      const items = text.items;
      const viewport = page.getViewport({ scale: 1 });
      const edges = withGlyphs ? itemGlyphEdges(items, pageGlyphsOfItems(items), viewport.transform as number[]) : null;
      const layout = layoutPage(items, viewport.transform as number[], viewport.width, viewport.height, edges);
      pages.push(renderPage(layout, n));
      page.cleanup();
    }
    if (!pages.some((p) => /\S/.test(p.text))) {
      throw new SourceError(sourceId, 'no_text_layer', `none of the ${pages.length} page(s) has text (scanned or image-only PDF?)`);
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** A page's text items (with the glyphs each was built from: extract/pdfjs.ts) and how many operators its text pass read. */
interface PageText {
  items: GlyphedTextItem[];
  operators: number;
}

/**
 * page.getTextContent() read as a stream (what getTextContent does inside) so that a page of a million text
 * operators is counted rather than collected whole (its time is the watchdog's: pipeline/pool.ts). The last chunk
 * says how many content-stream operators the pass read (extract/pdfjs.ts); a page with none of its own says 0.
 */
async function textItemsCapped(page: PDFPageProxy, n: number, sourceId: string, maxItems: number): Promise<PageText> {
  const reader = page.streamTextContent().getReader() as ReadableStreamDefaultReader<{ items: (GlyphedTextItem | object)[]; operators?: number }>;
  const items: GlyphedTextItem[] = [];
  let count = 0;
  let operators = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (typeof value.operators === 'number') operators = value.operators;
    for (const x of value.items) {
      if (!('str' in x)) continue;
      // past the cap nothing more is kept; the stream is drained, not cancelled (pdf.js's in-thread worker
      // goes on pushing into a cancelled stream and throws where nothing can catch it)
      if (++count <= maxItems) items.push(x);
    }
  }
  if (count > maxItems) throw new SourceError(sourceId, 'too_complex', `page ${n} has ${count} text items, over the cap of ${maxItems} (--max-text-items)`);
  return { items, operators };
}

// ------------------------------------------------------------------ geometry (matrices: pdfGlyphs.ts mul)

function placeItems(raw: readonly TextItem[], viewportTransform: readonly number[], edges: readonly (ItemEdges | null)[] | null): PlacedItem[] {
  // plain loops and no per-item arrays: this runs for every item of every page, mostly before the JIT has
  // warmed up, and small bodies are also what the optimising compiler (a background thread) compiles cheaply
  const out: PlacedItem[] = [];
  for (let seq = 0; seq < raw.length; seq++) {
    const it = raw[seq]!;
    // Empty items are pdf.js end-of-line markers: they carry no text and get no span.
    if (it.str.length === 0) continue;
    const t = mul(viewportTransform, it.transform as number[]);
    const dirLen = Math.hypot(t[0], t[1]) || 1;
    const dx = t[0] / dirLen;
    const dy = t[1] / dirLen;
    // Font height as the pdf.js text layer computes it; "up" is the glyphs' vertical axis on screen.
    const size = Math.hypot(t[2], t[3]) || Math.abs(it.height) || 1;
    const ux = t[2] / size;
    const uy = t[3] / size;
    const ox = t[4];
    const oy = t[5];
    const w = Number.isFinite(it.width) ? Math.max(0, it.width) : 0;
    // The box runs from the baseline up one font size (pdf.js gives no ascent/descent per item): its four
    // corners are the origin, the end of the advance, and both raised by the "up" vector
    const x1 = ox + dx * w, x2 = ox + ux * size, x3 = ox + dx * w + ux * size;
    const y1 = oy + dy * w, y2 = oy + uy * size, y3 = oy + dy * w + uy * size;
    const along = ox * dx + oy * dy;
    out.push({
      str: it.str.includes('\f') ? it.str.replace(/\f/g, ' ') : it.str,
      x0: Math.min(ox, x1, x2, x3),
      y0: Math.min(oy, y1, y2, y3),
      x1: Math.max(ox, x1, x2, x3),
      y1: Math.max(oy, y1, y2, y3),
      size,
      angle: Math.round((Math.atan2(dy, dx) * 180) / Math.PI) % 360,
      along,
      alongEnd: along + w,
      // distance from the origin against the "up" axis: increases downwards for upright text
      base: -(ox * ux + oy * uy),
      ink: NON_SPACE.test(it.str),
      seq,
      glyphs: edges?.[seq] ?? null,
    });
  }
  return out;
}

const NON_SPACE = /\S/;

function median(values: number[], fallback: number): number {
  if (values.length === 0) return fallback;
  const s = Float64Array.from(values).sort();
  return s[s.length >> 1]!;
}

// ------------------------------------------------------------------ lines

function groupLines(items: PlacedItem[]): Line[] {
  const sorted = items.slice().sort((a, b) => a.angle - b.angle || a.base - b.base || a.along - b.along || a.seq - b.seq);
  const lines: Line[] = [];
  let cur: Line | null = null;
  for (const it of sorted) {
    // Anchored on the line's first baseline (not chained), so lines of slightly different pitch in two
    // columns don't snowball into one line.
    if (cur && cur.angle === it.angle && it.base - cur.base <= LINE_BASELINE_TOLERANCE * Math.max(cur.size, it.size)) {
      cur.items.push(it);
      if (it.ink && it.size > cur.size) cur.size = it.size;
    } else {
      cur = { items: [it], angle: it.angle, base: it.base, size: it.size, row: 0, top: Infinity };
      lines.push(cur);
    }
  }
  for (const l of lines) l.items.sort((a, b) => a.along - b.along || a.seq - b.seq);
  // Page order of lines: top to bottom by box, then left to right.
  // (a loop, not Math.min(...spread): a line may hold more items than a call's argument limit)
  for (const l of lines) {
    let top = Infinity;
    for (const i of l.items) top = Math.min(top, i.y0);
    l.top = top;
  }
  lines.sort((a, b) => a.top - b.top || a.items[0]!.x0 - b.items[0]!.x0 || a.items[0]!.seq - b.items[0]!.seq);
  lines.forEach((l, i) => (l.row = i));
  return lines;
}

// ------------------------------------------------------------------ gutters

interface Gutter {
  a: number;
  b: number;
  /** rows (Line.row of horizontal lines) the gutter runs through, inclusive */
  firstRow: number;
  lastRow: number;
}

interface Strip {
  a: number;
  b: number;
  firstRow: number;
  lastRow: number;
  bothSides: number;
  /** per line with ink right of the strip: where that ink starts (newest first, shared with the strip it grew from) */
  rightStarts: RightStart | null;
}

/** A list that grows at its head: a strip continued into the next line shares its past, it does not copy it. */
interface RightStart {
  x: number;
  prev: RightStart | null;
}

/** Ink intervals of a horizontal line, merged, left to right. */
function inkIntervals(line: Line): [number, number][] {
  const out: [number, number][] = [];
  for (const it of line.items) {
    if (!it.ink) continue;
    const last = out[out.length - 1];
    if (last && it.x0 <= last[1]) last[1] = Math.max(last[1], it.x1);
    else out.push([it.x0, it.x1]);
  }
  return out;
}

/** Where the first ink interval at or right of x starts, or NaN when there is none. */
function inkStartFrom(ink: readonly [number, number][], x: number): number {
  for (let i = 0; i < ink.length; i++) if (ink[i]![0] >= x) return ink[i]![0];
  return NaN;
}

function closeStrip(s: Strip, gutters: Gutter[], weak: Gutter[]): void {
  if (!Number.isFinite(s.a) || !Number.isFinite(s.b)) return;
  let aligned = 0;
  let lines = 0;
  for (let r = s.rightStarts; r; r = r.prev) {
    lines++;
    if (r.x - s.b <= GUTTER_ALIGN_TOLERANCE) aligned++;
  }
  if (aligned * 2 < lines) return;
  const g = { a: s.a, b: s.b, firstRow: s.firstRow, lastRow: s.lastRow };
  if (s.bothSides >= MIN_GUTTER_LINES && aligned >= MIN_GUTTER_LINES) gutters.push(g);
  else if (s.bothSides >= 2 && aligned >= 2) weak.push(g);
}

/**
 * Adds the strip [a, b] of this line to `next`, continuing `s` (or opening a new one); once per (a, b): `seen` holds
 * the (a, b) already added (Map and Set compare numbers as SameValueZero: NaN is NaN, -0 is 0).
 */
function extendStrip(next: Strip[], seen: Map<number, Set<number>>, s: Strip | null, a: number, b: number, ink: readonly [number, number][], row: number): void {
  let bs = seen.get(a);
  if (bs === undefined) seen.set(a, (bs = new Set()));
  else if (bs.has(b)) return;
  bs.add(b);
  const left = ink[0]![0] < a;
  const rightInk = inkStartFrom(ink, b);
  const hasRight = !Number.isNaN(rightInk);
  next.push({
    a,
    b,
    firstRow: s ? s.firstRow : row,
    lastRow: row,
    bothSides: (s ? s.bothSides : 0) + (left && hasRight ? 1 : 0),
    rightStarts: hasRight ? { x: rightInk, prev: s ? s.rightStarts : null } : s ? s.rightStarts : null,
  });
}

function findGutters(lines: Line[], minWidth: number): Gutter[] {
  const gutters: Gutter[] = [];
  let strips: Strip[] = [];
  // Runs of two lines are too common by chance in justified text to count alone; they count when they
  // continue a gutter proven elsewhere on the page (a two-line stretch of columns under a heading).
  const weak: Gutter[] = [];
  for (const line of lines) {
    if (line.angle !== 0) continue;
    const ink = inkIntervals(line);
    if (ink.length === 0) continue;
    // free intervals between ink, including the open margins
    const free: [number, number][] = [];
    let prev = -Infinity;
    for (let i = 0; i < ink.length; i++) {
      const x0 = ink[i]![0];
      if (x0 - prev >= minWidth) free.push([prev, x0]);
      prev = ink[i]![1];
    }
    free.push([prev, Infinity]);
    const next: Strip[] = [];
    const seen = new Map<number, Set<number>>();
    for (const s of strips) {
      let continued = false;
      for (let f = 0; f < free.length; f++) {
        const a = Math.max(s.a, free[f]![0]);
        const b = Math.min(s.b, free[f]![1]);
        if (b - a >= minWidth) {
          extendStrip(next, seen, s, a, b, ink, line.row);
          continued = true;
        }
      }
      if (!continued) closeStrip(s, gutters, weak);
    }
    for (let f = 0; f < free.length; f++) extendStrip(next, seen, null, free[f]![0], free[f]![1], ink, line.row);
    // Oldest first: those are the long runs worth keeping on a crowded page.
    strips = next.sort((x, y) => x.firstRow - y.firstRow).slice(0, MAX_STRIPS);
  }
  for (const s of strips) closeStrip(s, gutters, weak);
  const strong = gutters.slice();
  for (const w of weak) {
    if (strong.some((g) => Math.min(g.b, w.b) - Math.max(g.a, w.a) >= minWidth)) gutters.push(w);
  }
  return gutters;
}

/** Lines cut at the gutters running through them; whitespace-only pieces carry no text and are dropped. */
function splitLines(lines: Line[], gutters: Gutter[]): Segment[] {
  const segments: Segment[] = [];
  const emit = (line: Line, items: PlacedItem[]) => {
    // the ink box and the piece's own type size (a line shared with a sidebar must not take the sidebar's
    // size or v.v.), in one pass
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, size = 0, inked = false;
    for (const i of items) {
      if (!i.ink) continue;
      inked = true;
      x0 = Math.min(x0, i.x0);
      y0 = Math.min(y0, i.y0);
      x1 = Math.max(x1, i.x1);
      y1 = Math.max(y1, i.y1);
      size = Math.max(size, i.size);
    }
    if (!inked) return;
    segments.push({ items, x0, y0, x1, y1, row: line.row, base: line.base, size, sidebar: false });
  };
  for (const line of lines) {
    const cuts: number[] = [];
    if (line.angle === 0) {
      for (const g of gutters) if (g.firstRow <= line.row && line.row <= g.lastRow) cuts.push(g.b);
      if (cuts.length > 1) cuts.sort((p, q) => p - q);
    }
    if (cuts.length === 0) {
      emit(line, line.items);
      continue;
    }
    let piece: PlacedItem[] = [];
    let ci = 0;
    for (const it of line.items) {
      // An ink item at or right of a gutter's right edge opens a new piece; whitespace stays with the left.
      if (it.ink) {
        let crossed = false;
        while (ci < cuts.length && it.x0 >= cuts[ci]! - GUTTER_ALIGN_TOLERANCE) {
          ci++;
          crossed = true;
        }
        if (crossed && piece.length > 0) {
          emit(line, piece);
          piece = [];
        }
      }
      piece.push(it);
    }
    emit(line, piece);
  }
  return segments;
}

// ------------------------------------------------------------------ reading order (XY cut)

/** Sorted, merged x intervals covered by the segments. */
function xCover(segs: Segment[]): [number, number][] {
  const sorted: [number, number][] = new Array(segs.length);
  for (let i = 0; i < segs.length; i++) sorted[i] = [segs[i]!.x0, segs[i]!.x1];
  sorted.sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]![0];
    const b = sorted[i]![1];
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * The x cover of two covers together: xCover of all their segments, since both merge touching intervals and so
 * end with the connected parts of the same union. A merge of two sorted lists.
 */
function unionCover(p: readonly [number, number][], q: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < p.length || j < q.length) {
    const next = j >= q.length || (i < p.length && p[i]![0] <= q[j]![0]) ? p[i++]! : q[j++]!;
    const last = out[out.length - 1];
    if (last && next[0] <= last[1]) last[1] = Math.max(last[1], next[1]);
    else out.push([next[0], next[1]]);
  }
  return out;
}

/** Whether the segments have an interior vertical cut with both sides wide enough to be columns. */
function hasColumnCut(cover: [number, number][], minGap: number, minColumn: number): boolean {
  for (let i = 0; i + 1 < cover.length; i++) {
    if (cover[i + 1]![0] - cover[i]![1] < minGap) continue;
    const leftWidth = cover[i]![1] - cover[0]![0];
    const rightWidth = cover[cover.length - 1]![1] - cover[i + 1]![0];
    if (leftWidth >= minColumn && rightWidth >= minColumn) return true;
  }
  return false;
}

function orderSegments(segs: Segment[], minGap: number, minColumn: number): Segment[] {
  if (segs.length <= 1) return segs;
  // Horizontal bands: y ranges no segment crosses.
  const byTop = segs.slice().sort((p, q) => p.y0 - q.y0 || p.row - q.row || p.x0 - q.x0);
  const bands: Segment[][] = [];
  let bottom = -Infinity;
  for (const s of byTop) {
    const band = bands[bands.length - 1];
    if (band && s.y0 < bottom) band.push(s);
    else bands.push([s]);
    bottom = Math.max(bottom, s.y1);
  }
  // Merge neighbouring bands while together they keep a column cut: two columns on a common baseline
  // grid give one band per line, and cutting those first would read line across line.
  // (each group keeps its x cover, and a band's is merged into it: the cover of the union without sorting
  // the whole group again for every band of a tall page)
  const groups: Segment[][] = [];
  let groupCover: [number, number][] = [];
  for (const band of bands) {
    const last = groups[groups.length - 1];
    const bandCover = xCover(band);
    if (last) {
      const mergedCover = unionCover(groupCover, bandCover);
      if (hasColumnCut(mergedCover, minGap, minColumn)) {
        groups[groups.length - 1] = last.concat(band);
        groupCover = mergedCover;
        continue;
      }
    }
    groups.push(band);
    groupCover = bandCover;
  }
  if (groups.length > 1) return groups.flatMap((g) => orderSegments(g, minGap, minColumn));
  // One group: cut into columns, left to right.
  const byLeft = segs.slice().sort((p, q) => p.x0 - q.x0 || p.row - q.row);
  const cols: Segment[][] = [];
  let right = -Infinity;
  for (const s of byLeft) {
    const col = cols[cols.length - 1];
    if (col && s.x0 - right < minGap) col.push(s);
    else cols.push([s]);
    right = Math.max(right, s.x1);
  }
  if (cols.length > 1) {
    markSidebars(cols);
    return cols.flatMap((c) => orderSegments(c, minGap, minColumn));
  }
  // No cut at all (lines whose boxes overlap vertically): page line order, then left to right.
  return segs.slice().sort((p, q) => p.row - q.row || p.x0 - q.x0);
}

/**
 * A column that is clearly narrower than the widest column beside it and set in smaller type is a sidebar
 * box (read as a whole, marked `sidebar`); columns of one design (newspaper columns) are not.
 */
function markSidebars(cols: Segment[][]): void {
  const width = (c: Segment[]) => c.reduce((m, s) => Math.max(m, s.x1), -Infinity) - c.reduce((m, s) => Math.min(m, s.x0), Infinity);
  const size = (c: Segment[]) => median(c.map((s) => s.size), 0);
  let main = cols[0]!;
  for (const c of cols) if (width(c) > width(main)) main = c;
  const mainWidth = width(main);
  const mainSize = size(main);
  for (const c of cols) {
    if (c === main || c.length < 2) continue;
    if (width(c) <= SIDEBAR_MAX_WIDTH * mainWidth && size(c) < SIDEBAR_MAX_SIZE * mainSize) for (const s of c) s.sidebar = true;
  }
}

function layoutPage(raw: readonly TextItem[], viewportTransform: readonly number[], width: number, height: number, edges: readonly (ItemEdges | null)[] | null): PageLayout {
  const items = placeItems(raw, viewportTransform, edges);
  const inkSizes = items.filter((i) => i.ink).map((i) => i.size);
  const medianSize = median(inkSizes, 10);
  const lines = groupLines(items);
  const gutters = findGutters(lines, MIN_GUTTER * medianSize);
  const segments = splitLines(lines, gutters);
  const columnOrder = orderSegments(segments, MIN_GUTTER * medianSize, MIN_COLUMN_WIDTH * medianSize);
  // A sidebar box interrupts the main flow: a sentence in the main column may go on below the box.
  // Reading the box after the page's main text keeps such sentences whole.
  const ordered = [...columnOrder.filter((s) => !s.sidebar), ...columnOrder.filter((s) => s.sidebar)];
  // Median baseline step between consecutive horizontal lines (for footer gaps).
  const bases = lines.filter((l) => l.angle === 0).map((l) => l.base);
  const steps: number[] = [];
  for (let i = 1; i < bases.length; i++) {
    const d = bases[i]! - bases[i - 1]!;
    if (d > 0.5 * medianSize) steps.push(d);
  }
  return { width, height, segments: ordered, medianSize, medianPitch: median(steps, 1.2 * medianSize) };
}

// ------------------------------------------------------------------ text

const ENDS_IN_SPACE = /\s$/;
const STARTS_WITH_SPACE = /^\s/;

function renderPage(layout: PageLayout, pageNumber: number): BuiltPage {
  const parts: string[] = [];
  let offset = 0;
  const items: PdfItem[] = [];
  const lines: BuiltPage['lines'] = [];
  for (const seg of layout.segments) {
    const lineStart = offset;
    let prev: PlacedItem | null = null;
    for (const it of seg.items) {
      if (prev) {
        const gap = it.along - prev.alongEnd;
        // pdf.js emits its own space items for gaps inside one text run; items from separate runs (or a
        // segment joined across positioning) can touch words without one. A visible gap between two
        // non-space ends is a word break on the page, so one " " keeps the words apart.
        if (gap > VISIBLE_GAP * Math.min(prev.size, it.size) && !ENDS_IN_SPACE.test(prev.str) && !STARTS_WITH_SPACE.test(it.str)) {
          parts.push(' ');
          offset += 1;
        }
      }
      const item: PdfItem = { page: pageNumber, start: offset, end: offset + it.str.length, bbox: [it.x0, it.y0, it.x1, it.y1] };
      if (it.glyphs) item.glyphs = it.glyphs;
      items.push(item);
      parts.push(it.str);
      offset += it.str.length;
      prev = it;
    }
    parts.push('\n');
    offset += 1;
    lines.push({ start: lineStart, end: offset, x0: seg.x0, y0: seg.y0, x1: seg.x1, y1: seg.y1, base: seg.base, size: seg.size, sidebar: seg.sidebar, text: '' });
  }
  const pageText = parts.join('');
  for (const l of lines) l.text = pageText.slice(l.start, l.end - 1);
  items.sort((p, q) => p.start - q.start);
  return { text: pageText, width: layout.width, height: layout.height, items, lines, medianPitch: layout.medianPitch, medianSize: layout.medianSize };
}

// ------------------------------------------------------------------ regions

const PAGE_NUMBER = /^\s*(?:(?:page|p\.)\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?\s*(?:(?:of|\/)\s*\d{1,4})?\s*$/i;

/** Text of a line with digits folded, so "Page 3" and "Page 4" repeat. */
function repeatKey(text: string): string {
  return text.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().toLowerCase();
}

function detectRegions(pages: BuiltPage[], pageStarts: number[]): Region[] {
  type Band = 'top' | 'bottom';
  const bandOf = (p: BuiltPage, l: BuiltPage['lines'][number]): Band | null =>
    l.y1 <= EDGE_BAND * p.height ? 'top' : l.y0 >= (1 - EDGE_BAND) * p.height ? 'bottom' : null;
  // Running heads sit at one place on every page: the key holds the baseline (to a few points) as well
  // as the text, so body lines that merely repeat near the edge elsewhere are not taken for them.
  const keyOf = (band: Band, l: BuiltPage['lines'][number]) =>
    `${band}\u0000${Math.round(l.base / HEAD_POSITION_TOLERANCE)}\u0000${repeatKey(l.text)}`;
  // On how many pages each (band, key) occurs.
  const counts = new Map<string, number>();
  for (const p of pages) {
    const seen = new Set<string>();
    for (const l of p.lines) {
      const band = bandOf(p, l);
      if (band) seen.add(keyOf(band, l));
    }
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const regions: Region[] = [];
  pages.forEach((p, pi) => {
    const kinds = new Map<BuiltPage['lines'][number], RegionKind>();
    for (const l of p.lines) {
      const band = bandOf(p, l);
      if (!band) continue;
      if (PAGE_NUMBER.test(l.text)) kinds.set(l, 'page_number');
      else if ((counts.get(keyOf(band, l)) ?? 0) >= 2) kinds.set(l, band === 'top' ? 'header' : 'footer');
    }
    // A block at the very bottom, set off from the body by a large gap, is a footer (contact lines,
    // imprint) even when it occurs on one page only.
    const byBase = p.lines.slice().sort((x, y) => x.base - y.base);
    let k = byBase.length;
    while (k > 0 && bandOf(p, byBase[k - 1]!) === 'bottom') k--;
    // Only when set in smaller type than the body: body text under a heading near the page bottom is
    // also set off by a gap, and hiding body text as footer would lose figures.
    if (
      k > 0 &&
      k < byBase.length &&
      byBase[k]!.base - byBase[k - 1]!.base >= FOOTER_GAP * p.medianPitch &&
      byBase.slice(k).every((l) => l.size < FOOTER_MAX_SIZE * p.medianSize)
    ) {
      for (const l of byBase.slice(k)) if (!kinds.has(l)) kinds.set(l, PAGE_NUMBER.test(l.text) ? 'page_number' : 'footer');
    }
    for (const l of p.lines) if (l.sidebar && !kinds.has(l)) kinds.set(l, 'sidebar');
    const off = pageStarts[pi]!;
    for (const l of p.lines) {
      const kind = kinds.get(l);
      if (!kind) continue;
      const last = regions[regions.length - 1];
      if (last && last.kind === kind && last.end === off + l.start) last.end = off + l.end;
      else regions.push({ start: off + l.start, end: off + l.end, kind });
    }
  });
  return regions;
}
