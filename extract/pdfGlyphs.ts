/**
 * Where each glyph of a PDF page sits, from pdf.js: the operator list gives every shown glyph with its
 * advance width (the font program's, or for a substituted, non-embedded font the /Widths the PDF declares)
 * and the text state ops (Tc, Tw, Tz, Ts, TJ adjustments, Tm/Td/T*, cm, forms); walking them the way
 * pdf.js's canvas does gives each glyph's origin and advance. `getTextContent` items only carry a start
 * and a total width, so a box cut from an item by character share drifts in justified text and misses by
 * whole glyphs with proportional fonts.
 *
 * `itemGlyphEdges` then lays the glyphs onto the text items: pdf.js builds the items from the same glyph
 * stream, dropping whitespace glyphs and adding " " where it sees a word gap, so the item's non-space
 * characters are consumed glyph by glyph. An item whose characters do not match (right-to-left text,
 * glyphs pdf.js dropped as off-page, a font pdf.js could not load) gets no edges: callers fall back to
 * the item's box.
 */
import { OPS } from './pdfjs.js';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

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

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** A matrix operand: pdf.js passes plain arrays or typed arrays (Float32Array for Tm). One array made, no copies. */
function matrixArg(a: unknown): Matrix | null {
  if (!Array.isArray(a) && !ArrayBuffer.isView(a)) return null;
  const v = a as ArrayLike<unknown>;
  if (!(v.length >= 6)) return null;
  const m = [v[0], v[1], v[2], v[3], v[4], v[5]];
  for (let i = 0; i < 6; i++) if (!Number.isFinite(m[i])) return null;
  return m as Matrix;
}

interface FontLike {
  fontMatrix?: number[];
  ascent?: number;
  descent?: number;
  vertical?: boolean;
}

interface TextState {
  ctm: Matrix;
  textMatrix: Matrix;
  x: number;
  y: number;
  lineX: number;
  lineY: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
  rise: number;
  font: FontLike | null;
  fontSize: number;
  fontDirection: number;
}

interface GlyphArg {
  unicode?: string;
  width?: number;
  isSpace?: boolean;
}

const NO_ARGS: readonly unknown[] = [];

/** Default ascent/descent (poppler's too) when the font states none. */
const DEFAULT_ASCENT = 0.95;
const DEFAULT_DESCENT = -0.35;

/**
 * Every glyph pdf.js would paint on the page, in content-stream order.
 * `fonts(name)` resolves a font object id from the operator list (pdf.js `page.commonObjs.get`).
 */
export function glyphsOfOperatorList(opList: { fnArray: number[]; argsArray: unknown[] }, fonts: (name: string) => FontLike | null): PlacedGlyph[] {
  const out: PlacedGlyph[] = [];
  let st: TextState = {
    ctm: IDENTITY,
    textMatrix: IDENTITY,
    x: 0,
    y: 0,
    lineX: 0,
    lineY: 0,
    charSpacing: 0,
    wordSpacing: 0,
    hScale: 1,
    leading: 0,
    rise: 0,
    font: null,
    fontSize: 0,
    fontDirection: 1,
  };
  const stack: TextState[] = [];
  // pdf.js's font objects answer through getters over their serialised data: each font is read once per page,
  // into a plain record, rather than four getters per shown string
  const fontRecords = new Map<string, FontLike | null>();
  const fontRecord = (name: string): FontLike | null => {
    let r = fontRecords.get(name);
    if (r === undefined) {
      const f = fonts(name);
      r = f ? { fontMatrix: f.fontMatrix, ascent: f.ascent, descent: f.descent, vertical: f.vertical } : null;
      fontRecords.set(name, r);
    }
    return r;
  };
  const setFont = (name: unknown, size: unknown) => {
    st.font = typeof name === 'string' ? fontRecord(name) : null;
    let s = typeof size === 'number' ? size : 0;
    st.fontDirection = s < 0 ? -1 : 1;
    if (s < 0) s = -s;
    st.fontSize = s;
  };
  const moveText = (x: number, y: number) => {
    st.x = st.lineX += x;
    st.y = st.lineY += y;
  };
  for (let i = 0; i < opList.fnArray.length; i++) {
    const fn = opList.fnArray[i];
    const args = (opList.argsArray[i] ?? NO_ARGS) as unknown[];
    switch (fn) {
      case OPS.save:
        stack.push({ ...st });
        break;
      case OPS.restore:
        st = stack.pop() ?? st;
        break;
      case OPS.transform: {
        const t = matrixArg(args);
        if (t) st.ctm = mul(st.ctm, t);
        break;
      }
      case OPS.paintFormXObjectBegin: {
        stack.push({ ...st });
        const fm = matrixArg(args[0]);
        if (fm) st.ctm = mul(st.ctm, fm);
        break;
      }
      case OPS.paintFormXObjectEnd:
        st = stack.pop() ?? st;
        break;
      case OPS.beginText:
        st.textMatrix = IDENTITY;
        st.x = st.lineX = st.y = st.lineY = 0;
        break;
      case OPS.setCharSpacing:
        st.charSpacing = Number(args[0]) || 0;
        break;
      case OPS.setWordSpacing:
        st.wordSpacing = Number(args[0]) || 0;
        break;
      case OPS.setHScale:
        st.hScale = (Number(args[0]) || 0) / 100;
        break;
      case OPS.setLeading:
        st.leading = -(Number(args[0]) || 0);
        break;
      case OPS.setTextRise:
        st.rise = Number(args[0]) || 0;
        break;
      case OPS.setFont:
        setFont(args[0], args[1]);
        break;
      case OPS.setGState:
        for (const kv of (args[0] ?? []) as unknown[][]) {
          if (Array.isArray(kv) && kv[0] === 'Font' && Array.isArray(kv[1])) setFont(kv[1][0], kv[1][1]);
        }
        break;
      case OPS.moveText:
        moveText(Number(args[0]) || 0, Number(args[1]) || 0);
        break;
      case OPS.setLeadingMoveText:
        st.leading = Number(args[1]) || 0;
        moveText(Number(args[0]) || 0, Number(args[1]) || 0);
        break;
      case OPS.nextLine:
        moveText(0, st.leading);
        break;
      case OPS.setTextMatrix:
        st.textMatrix = matrixArg(args[0]) ?? matrixArg(args) ?? IDENTITY;
        st.x = st.lineX = st.y = st.lineY = 0;
        break;
      case OPS.showText:
        showText(st, (args[0] ?? []) as (GlyphArg | number)[], out);
        break;
      default:
        break;
    }
  }
  return out;
}

function showText(st: TextState, glyphs: (GlyphArg | number)[], out: PlacedGlyph[]): void {
  const font = st.font;
  if (!font || st.fontSize === 0 || font.vertical) {
    // vertical writing is not laid out here: its items fall back to their boxes
    return;
  }
  const fm = font.fontMatrix ?? [0.001, 0, 0, 0.001, 0, 0];
  const widthScale = st.fontSize * fm[0]!;
  const h = st.hScale * st.fontDirection;
  // text space → user space
  const m = mul(st.ctm, st.textMatrix);
  const ascent = Number.isFinite(font.ascent) && font.ascent! > 0 && font.ascent! < 3 ? font.ascent! : DEFAULT_ASCENT;
  const descent = Number.isFinite(font.descent) && font.descent! < 0 && font.descent! > -3 ? font.descent! : DEFAULT_DESCENT;
  const ux = m[2] * st.fontSize, uy = m[3] * st.fontSize;
  let x = 0;
  for (const g of glyphs) {
    if (typeof g === 'number') {
      x -= (g * st.fontSize) / 1000;
      continue;
    }
    if (!g || typeof g !== 'object') continue;
    const width = (Number(g.width) || 0) * widthScale;
    const spacing = (g.isSpace ? st.wordSpacing : 0) + st.charSpacing;
    const tx = st.x + x * h, ty = st.y + st.rise;
    out.push({
      unicode: typeof g.unicode === 'string' ? g.unicode : '',
      ox: m[0] * tx + m[2] * ty + m[4],
      oy: m[1] * tx + m[3] * ty + m[5],
      ax: m[0] * width * h,
      ay: m[1] * width * h,
      ux,
      uy,
      ascent,
      descent,
    });
    x += width + spacing * st.fontDirection;
  }
  st.x += x * h;
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
