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

/** The glyphs of the page's items, item after item, in the order pdf.js showed them. */
export function placedGlyphsOfItems(items: readonly GlyphedTextItem[]): PlacedGlyph[] {
  const out: PlacedGlyph[] = [];
  for (const it of items) {
    const g = it.glyphs;
    if (!g) continue;
    const n = g.numbers;
    for (let i = 0, k = 0; i < g.unicode.length; i++, k += PLACED_GLYPH_FIELDS) {
      out.push({ unicode: g.unicode[i]!, ox: n[k]!, oy: n[k + 1]!, ax: n[k + 2]!, ay: n[k + 3]!, ux: n[k + 4]!, uy: n[k + 5]!, ascent: n[k + 6]!, descent: n[k + 7]! });
    }
  }
  return out;
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
 * A page shows few distinct glyph strings many times over: the Unicode tests and NFKC forms are worked out once
 * per string (per thread), not once per glyph. Bounded: a font mapping each glyph to a new string only refills it.
 */
const MEMO_MAX = 1 << 16;
const skippedMemo = new Map<string, boolean>();
const nfkcMemo = new Map<string, string>();
function isSkipped(u: string): boolean {
  let r = skippedMemo.get(u);
  if (r === undefined) {
    if (skippedMemo.size >= MEMO_MAX) skippedMemo.clear();
    r = SKIPPED.test(u);
    skippedMemo.set(u, r);
  }
  return r;
}
function nfkc(u: string): string {
  let r = nfkcMemo.get(u);
  if (r === undefined) {
    if (nfkcMemo.size >= MEMO_MAX) nfkcMemo.clear();
    r = u.normalize('NFKC');
    nfkcMemo.set(u, r);
  }
  return r;
}

/** Whether glyph g (normalised: u) sits at the item's origin and shows its first non-space character. */
function startsItem(g: PlacedGlyph, u: string, ox: number, oy: number, tol: number, str: string, first: number): boolean {
  return Math.abs(g.ox - ox) <= tol && Math.abs(g.oy - oy) <= tol && (u.startsWith(str[first]!) || str.startsWith(u, first));
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
export function itemGlyphEdges(items: readonly TextItem[], glyphs: readonly PlacedGlyph[], viewport: readonly number[]): (ItemEdges | null)[] {
  const ink: PlacedGlyph[] = [];
  const norm: string[] = [];
  for (const g of glyphs) {
    if (isSkipped(g.unicode)) continue;
    ink.push(g);
    norm.push(nfkc(g.unicode));
  }
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
    for (let j = cursor; j < ink.length; j++) if (startsItem(ink[j]!, norm[j]!, ox, oy, tol, str, first)) { k = j; break; }
    if (k < 0) for (let j = 0; j < cursor && j < ink.length; j++) if (startsItem(ink[j]!, norm[j]!, ox, oy, tol, str, first)) { k = j; break; }
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
      if (k >= ink.length) return null;
      const g = ink[k]!;
      const u = norm[k]!;
      const raw = g.unicode;
      const n = str.startsWith(u, j) ? u.length : str.startsWith(raw, j) ? raw.length : 0;
      if (n === 0) return null;
      const x0 = toVx(viewport, g.ox, g.oy), x1 = toVx(viewport, g.ox + g.ax, g.oy + g.ay);
      // several characters from one glyph (a ligature): share its advance evenly
      for (let q = 0; q < n; q++) {
        starts[j + q] = x0 + ((x1 - x0) * q) / n;
        ends[j + q] = x0 + ((x1 - x0) * (q + 1)) / n;
      }
      const yTop = toVy(viewport, g.ox + g.ux * g.ascent, g.oy + g.uy * g.ascent);
      const yBottom = toVy(viewport, g.ox + g.ux * g.descent, g.oy + g.uy * g.descent);
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
