/**
 * Where each glyph of a PDF page sits. pdf.js's text pass works out every glyph's origin and advance to build its
 * text items (its advance width: the font program's, or for a substituted, non-embedded font the /Widths the PDF
 * declares; Tc, Tw, Tz, Ts, TJ adjustments, Tm/Td/T*, cm, forms), then keeps only an item's start and total width;
 * extract/pdfjs.ts reads the glyphs there, and each item carries its own (GlyphedTextItem). An item's box cut by
 * character share would drift in justified text and miss by whole glyphs with proportional fonts.
 *
 * `itemGlyphEdges` lays the glyphs onto the text items: pdf.js builds the items from the same glyph stream,
 * dropping whitespace glyphs and adding " " where it sees a word gap, so the item's non-space characters are
 * consumed glyph by glyph. An item whose characters do not match (right-to-left text, vertical text, a font pdf.js
 * could not load) gets no edges: callers fall back to the item's box.
 */
import { PLACED_GLYPH_FIELDS, type TextItemGlyphs } from './pdfjs.js';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

/** A text item as the patched pdf.js gives it (extract/pdfjs.ts): with the glyphs it was built from. */
export interface GlyphedTextItem extends TextItem {
  glyphs?: TextItemGlyphs | null;
}

/**
 * A page's glyphs, item after item in the order pdf.js showed them: per glyph its unicode and PLACED_GLYPH_FIELDS
 * numbers (PlacedGlyph's, in its order), in one array rather than an object per glyph.
 */
export interface PageGlyphs {
  unicode: string[];
  numbers: Float64Array;
}

/** The glyphs the page's items carry (extract/pdfjs.ts), one after the other. */
export function pageGlyphsOfItems(items: readonly GlyphedTextItem[]): PageGlyphs {
  let total = 0;
  for (const it of items) if (it.glyphs) total += it.glyphs.numbers.length;
  const numbers = new Float64Array(total);
  const unicode: string[] = [];
  let at = 0;
  for (const it of items) {
    const g = it.glyphs;
    if (!g) continue;
    numbers.set(g.numbers, at);
    at += g.numbers.length;
    for (let i = 0; i < g.unicode.length; i++) unicode.push(g.unicode[i]!);
  }
  return { unicode, numbers };
}

/** PageGlyphs of a list of glyphs (tests write their glyphs this way). */
export function pageGlyphs(glyphs: readonly PlacedGlyph[]): PageGlyphs {
  const numbers = new Float64Array(glyphs.length * PLACED_GLYPH_FIELDS);
  glyphs.forEach((g, i) => numbers.set([g.ox, g.oy, g.ax, g.ay, g.ux, g.uy, g.ascent, g.descent], i * PLACED_GLYPH_FIELDS));
  return { unicode: glyphs.map((g) => g.unicode), numbers };
}

/** A glyph in PDF user space (origin bottom-left, y up), before the page's viewport transform. */
export interface PlacedGlyph {
  unicode: string;
  /** origin of the glyph (the current point, text rise included) */
  ox: number;
  oy: number;
  /** the glyph's advance as a vector: its own width only, not Tc/Tw or TJ adjustments (as poppler's boxes) */
  ax: number;
  ay: number;
  /** the glyph's "up" vector, one font size long (the text matrix's y axis at this size) */
  ux: number;
  uy: number;
  /** font ascent / descent in units of the font size (descent negative) */
  ascent: number;
  descent: number;
}

type Matrix = [number, number, number, number, number, number];

/** The product of two PDF transformation matrices [a b c d e f], as pdf.js's Util.transform; pdf.ts uses it too. */
export function mul(m: readonly number[], n: readonly number[]): Matrix {
  return [
    m[0]! * n[0]! + m[2]! * n[1]!,
    m[1]! * n[0]! + m[3]! * n[1]!,
    m[0]! * n[2]! + m[2]! * n[3]!,
    m[1]! * n[2]! + m[3]! * n[3]!,
    m[0]! * n[4]! + m[2]! * n[5]! + m[4]!,
    m[1]! * n[4]! + m[3]! * n[5]! + m[5]!,
  ];
}

/** Glyph edges of one text item, in the page's viewport space (top-left origin, y down). */
export interface ItemEdges {
  /** per UTF-16 unit of the item string: where it starts along x; the last entry is where the last one ends */
  x: number[];
  /** the glyphs' vertical extent from the fonts' ascent and descent */
  top: number;
  bottom: number;
}

const WHITESPACE = /\s/;
const NON_SPACE = /\S/;
/** Characters pdf.js leaves out of text content (format marks such as ZWSP, soft hyphen's kin). */
const SKIPPED = /^[\p{Cf}\s]*$/u;

/**
 * A page shows few distinct glyph strings many times over: whether pdf.js leaves a string out of its text, and its
 * NFKC form, are worked out once per string (per thread), not once per glyph: null for a string left out.
 * Bounded: a font mapping each glyph to a new string only refills it.
 */
const MEMO_MAX = 1 << 16;
const inkMemo = new Map<string, string | null>();
function inkForm(u: string): string | null {
  let r = inkMemo.get(u);
  if (r === undefined) {
    if (inkMemo.size >= MEMO_MAX) inkMemo.clear();
    r = SKIPPED.test(u) ? null : u.normalize('NFKC');
    inkMemo.set(u, r);
  }
  return r;
}

/** Viewport x and y of a user-space point. */
function toVx(viewport: readonly number[], x: number, y: number): number {
  return viewport[0]! * x + viewport[2]! * y + viewport[4]!;
}
function toVy(viewport: readonly number[], x: number, y: number): number {
  return viewport[1]! * x + viewport[3]! * y + viewport[5]!;
}

/**
 * For each text item (same order as `getTextContent` gave them), its glyph edges, or null when its
 * characters cannot be matched to glyphs or it is not upright left-to-right text.
 */
export function itemGlyphEdges(items: readonly TextItem[], glyphs: PageGlyphs, viewport: readonly number[]): (ItemEdges | null)[] {
  // the glyphs that show ink (their raw and NFKC strings) and where their numbers start in glyphs.numbers
  const raws: string[] = [];
  const norm: string[] = [];
  const at: number[] = [];
  for (let i = 0; i < glyphs.unicode.length; i++) {
    const u = glyphs.unicode[i]!;
    const f = inkForm(u);
    if (f === null) continue;
    raws.push(u);
    norm.push(f);
    at.push(i * PLACED_GLYPH_FIELDS);
  }
  const g = glyphs.numbers;
  const inkCount = raws.length;
  /** Whether ink glyph j sits at the item's origin and shows its first non-space character. */
  const startsItem = (j: number, ox: number, oy: number, tol: number, str: string, first: number): boolean => {
    const b = at[j]!;
    const u = norm[j]!;
    return Math.abs(g[b]! - ox) <= tol && Math.abs(g[b + 1]! - oy) <= tol && (u.startsWith(str[first]!) || str.startsWith(u, first));
  };
  let cursor = 0;
  return items.map((it) => {
    const str = it.str;
    if (!NON_SPACE.test(str) || it.dir === 'rtl') return null;
    const t = it.transform as number[];
    const vt = mul(viewport, t);
    // upright, left to right in the viewport: x grows along the text, "up" is -y
    if (!(vt[0] > 0) || Math.abs(vt[1]) > 1e-6 * vt[0] || Math.abs(vt[2]) > 1e-6 * Math.abs(vt[3]) || !(vt[3] < 0)) return null;
    const size = Math.hypot(t[2]!, t[3]!) || 1;
    const tol = Math.max(0.01, 0.05 * size);
    const first = str.search(NON_SPACE);
    const ox = t[4]!, oy = t[5]!;
    let k = -1;
    for (let j = cursor; j < inkCount; j++) if (startsItem(j, ox, oy, tol, str, first)) { k = j; break; }
    if (k < 0) for (let j = 0; j < cursor && j < inkCount; j++) if (startsItem(j, ox, oy, tol, str, first)) { k = j; break; }
    if (k < 0) return null;
    const starts: number[] = new Array(str.length);
    const ends: number[] = new Array(str.length);
    let top = Infinity, bottom = -Infinity;
    let j = 0;
    while (j < str.length) {
      if (WHITESPACE.test(str[j]!)) {
        j++;
        continue;
      }
      if (k >= inkCount) return null;
      const u = norm[k]!;
      const raw = raws[k]!;
      const n = str.startsWith(u, j) ? u.length : str.startsWith(raw, j) ? raw.length : 0;
      if (n === 0) return null;
      // PlacedGlyph's fields: ox oy ax ay ux uy ascent descent
      const b = at[k]!;
      const gox = g[b]!, goy = g[b + 1]!, ax = g[b + 2]!, ay = g[b + 3]!, ux = g[b + 4]!, uy = g[b + 5]!, ascent = g[b + 6]!, descent = g[b + 7]!;
      const x0 = toVx(viewport, gox, goy), x1 = toVx(viewport, gox + ax, goy + ay);
      // several characters from one glyph (a ligature): share its advance evenly
      for (let q = 0; q < n; q++) {
        starts[j + q] = x0 + ((x1 - x0) * q) / n;
        ends[j + q] = x0 + ((x1 - x0) * (q + 1)) / n;
      }
      const yTop = toVy(viewport, gox + ux * ascent, goy + uy * ascent);
      const yBottom = toVy(viewport, gox + ux * descent, goy + uy * descent);
      top = Math.min(top, yTop, yBottom);
      bottom = Math.max(bottom, yTop, yBottom);
      j += n;
      k++;
    }
    cursor = k;
    // whitespace (pdf.js's word-gap spaces) spans the gap from the previous glyph's end to the next one's start
    const itemEnd = toVx(viewport, t[4]! + (t[0]! / size) * it.width, t[5]! + (t[1]! / size) * it.width);
    let prevEnd = NaN;
    for (let q = 0; q < str.length; q++) {
      if (starts[q] === undefined) {
        starts[q] = Number.isNaN(prevEnd) ? NaN : prevEnd;
        ends[q] = NaN;
      } else prevEnd = ends[q]!;
    }
    let nextStart = Math.max(itemEnd, prevEnd);
    for (let q = str.length - 1; q >= 0; q--) {
      if (Number.isNaN(ends[q]!)) {
        ends[q] = nextStart;
        if (Number.isNaN(starts[q]!)) starts[q] = nextStart;
      }
      nextStart = starts[q]!;
    }
    starts.push(ends[str.length - 1]!);
    return { x: starts, top, bottom };
  });
}
