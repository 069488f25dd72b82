/**
 * pdf.js, loaded once per thread for the PDF reader (extract/pdf.ts, extract/pdfPort.ts, extract/pdfGlyphs.ts).
 *
 * Array push: the legacy build of pdf.js (the one that runs on Node 20) carries core-js polyfills, and on Node 20
 * core-js's feature test for `Array.prototype.push` fails (V8 does not throw on a push past a non-writable length),
 * so both pdf.mjs and pdf.worker.mjs replace the built-in `push` of every array in the thread with a JavaScript
 * function that goes through `arguments` and a length setter. Every push in the process — pdf.js's text items, the
 * layout, the figure grammar — then costs several times the built-in one. The replacement differs from the
 * built-in only for arrays whose length was made read-only, which neither pdf.js nor figtrail makes, so the
 * built-in is put back once both pdf.js modules have run.
 *
 * The worker side (pdf.worker.mjs, run in this thread over extract/pdfPort.ts) is loaded from its file with a few
 * exact additions (WORKER_PATCHES), because pdf.js's text pass is where each glyph's place is known and its API does
 * not say it: `getTextContent` works out every glyph's origin and advance to build its items, then keeps only an
 * item's start and total width. Reading the glyphs there, rather than walking a second pass over the page (the
 * operator list, which parses the content stream again and, with disableFontFace, compiles every glyph's outline),
 * is what the text layer's positions cost. The additions:
 *   - each text item carries `glyphs` (TextItemGlyphs): the glyphs it was built from, placed as pdfGlyphs.ts's
 *     PlacedGlyph says, in the order they were shown;
 *   - the page's last text-content chunk carries `operators`: how many content-stream operators the pass read
 *     (forms included), for the page's operator cap (extract/limits.ts);
 * Nothing else changes: the items' text, widths and transforms are pdf.js's own. A pdfjs-dist whose source does not
 * hold the anchors exactly once fails to load with PdfjsPatchError (the version is pinned in package.json; a new
 * one needs its anchors checked).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const builtinPush = Array.prototype.push;
const isBuiltin = (f: unknown) => typeof f === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(f));

const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');

/** What a text item's `glyphs` holds: per glyph, its unicode and PLACED_GLYPH_FIELDS numbers (pdfGlyphs.ts). */
export interface TextItemGlyphs {
  unicode: string[];
  /** ox, oy, ax, ay, ux, uy, ascent, descent per glyph (PDF user space; ascent/descent in font-size units) */
  numbers: Float64Array;
}

/** How many numbers one glyph has in TextItemGlyphs.numbers. */
export const PLACED_GLYPH_FIELDS = 8;

/** Default ascent/descent (poppler's too) when the font states none, or states a value out of range. */
const DEFAULT_ASCENT = 0.95;
const DEFAULT_DESCENT = -0.35;

/** pdf.js's text state, as far as the glyph placement reads it (src/core/evaluator.js TextState). */
interface PdfjsTextState {
  ctm: number[];
  textMatrix: number[];
  textRise: number;
  textHScale: number;
  fontSize: number;
  fontMatrix: number[];
  font: { ascent?: number; descent?: number; vertical?: boolean };
}

interface GlyphBuffer {
  unicode: string[];
  /** PLACED_GLYPH_FIELDS numbers per glyph, `count` glyphs so far; reused from item to item */
  numbers: Float64Array;
  count: number;
}

/**
 * pdf.js's text item under construction (getTextContent's textContentItem: one object per page or form, reused from
 * item to item), with the glyphs read into it.
 */
interface PdfjsTextChunk {
  figtrailGlyphs?: GlyphBuffer;
}

/**
 * Called by the patched getTextContent for each glyph it adds to a horizontal text item, before the text matrix
 * moves past it: the text matrix's translation is then the glyph's origin. The same placement as a canvas
 * drawing the glyph: origin with the text rise, advance by the glyph's own width (not Tc/Tw or TJ adjustments, as
 * poppler's word boxes), "up" one font size long along the text matrix's y axis.
 */
function glyph(chunk: PdfjsTextChunk, ts: PdfjsTextState, g: { unicode?: unknown; width?: unknown }): void {
  const signedSize = ts.fontSize;
  if (!signedSize) return;
  const size = signedSize < 0 ? -signedSize : signedSize;
  const h = ts.textHScale * (signedSize < 0 ? -1 : 1);
  const fm0 = ts.fontMatrix?.[0] ?? 0.001;
  const width = (Number(g.width) || 0) * (size * fm0);
  const c = ts.ctm;
  const t = ts.textMatrix;
  // the text matrix in user space (pdfGlyphs.ts mul(ctm, textMatrix))
  const m0 = c[0]! * t[0]! + c[2]! * t[1]!;
  const m1 = c[1]! * t[0]! + c[3]! * t[1]!;
  const m2 = c[0]! * t[2]! + c[2]! * t[3]!;
  const m3 = c[1]! * t[2]! + c[3]! * t[3]!;
  const m4 = c[0]! * t[4]! + c[2]! * t[5]! + c[4]!;
  const m5 = c[1]! * t[4]! + c[3]! * t[5]! + c[5]!;
  const rise = ts.textRise || 0;
  const a = ts.font.ascent;
  const d = ts.font.descent;
  let buf = chunk.figtrailGlyphs;
  if (buf === undefined) chunk.figtrailGlyphs = buf = { unicode: [], numbers: new Float64Array(64 * PLACED_GLYPH_FIELDS), count: 0 };
  let k = buf.count * PLACED_GLYPH_FIELDS;
  if (k + PLACED_GLYPH_FIELDS > buf.numbers.length) {
    const bigger = new Float64Array(buf.numbers.length * 2);
    bigger.set(buf.numbers);
    buf.numbers = bigger;
  }
  const n = buf.numbers;
  n[k++] = m2 * rise + m4;
  n[k++] = m3 * rise + m5;
  n[k++] = m0 * width * h;
  n[k++] = m1 * width * h;
  n[k++] = m2 * size;
  n[k++] = m3 * size;
  n[k++] = a !== undefined && Number.isFinite(a) && a > 0 && a < 3 ? a : DEFAULT_ASCENT;
  n[k] = d !== undefined && Number.isFinite(d) && d < 0 && d > -3 ? d : DEFAULT_DESCENT;
  buf.unicode.push(typeof g.unicode === 'string' ? g.unicode : '');
  buf.count++;
}

/** Called as pdf.js finishes a text item: the glyphs read into it, handed over with the item (the buffer is emptied). */
function take(chunk: PdfjsTextChunk): TextItemGlyphs | null {
  const buf = chunk.figtrailGlyphs;
  if (buf === undefined || buf.count === 0) return null;
  const out = { unicode: buf.unicode, numbers: buf.numbers.slice(0, buf.count * PLACED_GLYPH_FIELDS) };
  buf.unicode = [];
  buf.count = 0;
  return out;
}

export class PdfjsPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfjsPatchError';
  }
}

/** The pdfjs-dist whose pdf.worker.mjs WORKER_PATCHES were written for (extract/pdfjs.test.ts checks each anchor occurs once). */
export const PATCHED_PDFJS_VERSION = '5.4.296';

/**
 * [anchor, replacement], in the order the anchors occur in pdf.worker.mjs: each is looked for from where the one before
 * it was found, so that the 2 MB of source are scanned once (a scan per anchor cost ~80 ms of every reader's start-up).
 */
export const WORKER_PATCHES: readonly (readonly [string, string])[] = [
  // a module's own bits, as a function body: its URL, its one dynamic import (JPEG 2000 decoding's fallback)
  ['var _scriptName = import.meta.url;', 'var _scriptName = __figtrailModuleUrl;'],
  ['const mod = await import(', 'const mod = await __figtrailImport('],
  // getTextContent: a counter of the operators read, shared with the forms it recurses into
  [
    '    prevRefs = null,\n    intersector = null\n  }) {',
    '    prevRefs = null,\n    intersector = null,\n    figtrailOperators = null\n  }) {\n    const figtrailCount = figtrailOperators ?? { n: 0 };\n    const figtrailTop = figtrailOperators === null;',
  ],
  // the text rendering matrix, which the pass works out two or three times per glyph: Util.transform(ctm,
  // Util.transform(textMatrix, tsm)) written out, the same products and sums in the same order (the same numbers to
  // the last bit: tsm's zeros stay factors), without the three arrays (pdf.js's own time; a sixth of the reader's JS)
  [
    '      const tsm = [textState.fontSize * textState.textHScale, 0, 0, textState.fontSize, 0, textState.textRise];\n' +
      '      if (font.isType3Font && (textState.fontSize <= 1 || font.isCharBBox) && !isArrayEqual(textState.fontMatrix, FONT_IDENTITY_MATRIX)) {\n' +
      '        const glyphHeight = font.bbox[3] - font.bbox[1];\n' +
      '        if (glyphHeight > 0) {\n' +
      '          tsm[3] *= glyphHeight * textState.fontMatrix[3];\n' +
      '        }\n' +
      '      }\n' +
      '      return Util.transform(textState.ctm, Util.transform(textState.textMatrix, tsm));\n    }\n',
    '      const s0 = textState.fontSize * textState.textHScale, s1 = 0, s2 = 0, s4 = 0, s5 = textState.textRise;\n' +
      '      let s3 = textState.fontSize;\n' +
      '      if (font.isType3Font && (textState.fontSize <= 1 || font.isCharBBox) && !isArrayEqual(textState.fontMatrix, FONT_IDENTITY_MATRIX)) {\n' +
      '        const glyphHeight = font.bbox[3] - font.bbox[1];\n' +
      '        if (glyphHeight > 0) {\n' +
      '          s3 *= glyphHeight * textState.fontMatrix[3];\n' +
      '        }\n' +
      '      }\n' +
      '      const t = textState.textMatrix, c = textState.ctm;\n' +
      '      const i0 = t[0] * s0 + t[2] * s1, i1 = t[1] * s0 + t[3] * s1, i2 = t[0] * s2 + t[2] * s3, i3 = t[1] * s2 + t[3] * s3, i4 = t[0] * s4 + t[2] * s5 + t[4], i5 = t[1] * s4 + t[3] * s5 + t[5];\n' +
      '      return [c[0] * i0 + c[2] * i1, c[1] * i0 + c[3] * i1, c[0] * i2 + c[2] * i3, c[1] * i2 + c[3] * i3, c[0] * i4 + c[2] * i5 + c[4], c[1] * i4 + c[3] * i5 + c[5]];\n    }\n',
  ],
  // each text item takes the glyphs read into it
  ['        fontName: textChunk.fontName,\n        hasEOL: textChunk.hasEOL\n      };', '        fontName: textChunk.fontName,\n        hasEOL: textChunk.hasEOL,\n        glyphs: __figtrail.take(textChunk)\n      };'],
  // each horizontal glyph that goes into an item, where it stands before the text matrix moves past it
  [
    '          scaledDim *= textState.textHScale;\n          intersector?.addGlyph(getCurrentTextTransform(), scaledDim, 0, glyph.unicode);',
    '          __figtrail.glyph(textChunk, textState, glyph);\n          scaledDim *= textState.textHScale;\n          intersector?.addGlyph(getCurrentTextTransform(), scaledDim, 0, glyph.unicode);',
  ],
  // the page's (not a form's) last chunk is sent even with no items when it says the count
  ['      if (length === 0) {\n        return;\n      }\n      if (batch && length < TEXT_CHUNK_BATCH_SIZE) {', '      if (length === 0 && (batch || textContent.operators === undefined)) {\n        return;\n      }\n      if (batch && length < TEXT_CHUNK_BATCH_SIZE) {'],
  [
    '        if (!preprocessor.read(operation)) {\n          break;\n        }\n        const previousState = textState;',
    '        if (!preprocessor.read(operation)) {\n          break;\n        }\n        figtrailCount.n++;\n        const previousState = textState;',
  ],
  ['                prevRefs: seenRefs\n              }).then(function () {', '                prevRefs: seenRefs,\n                figtrailOperators: figtrailCount\n              }).then(function () {'],
  ['      flushTextContentItem();\n      enqueueChunk();\n      resolve();', '      flushTextContentItem();\n      if (figtrailTop) textContent.operators = figtrailCount.n;\n      enqueueChunk();\n      resolve();'],
  // and so does the chunk of a page whose reading stopped at an error pdf.js ignores (what it read until then)
  ['task: "${reason}".`);\n        flushTextContentItem();\n        enqueueChunk();', 'task: "${reason}".`);\n        flushTextContentItem();\n        if (figtrailTop) textContent.operators = figtrailCount.n;\n        enqueueChunk();'],
  // the module's export
  ['export { WorkerMessageHandler };', 'return { WorkerMessageHandler };'],
];

/** pdf.worker.mjs with WORKER_PATCHES applied, as the body of a function (see loadWorkerModule). */
export function patchedWorkerSource(source: string): string {
  if (pdfjs.version !== PATCHED_PDFJS_VERSION) {
    throw new PdfjsPatchError(`pdfjs-dist ${pdfjs.version}: extract/pdfjs.ts patches the text pass of pdfjs-dist ${PATCHED_PDFJS_VERSION} only (check its anchors for the new version)`);
  }
  const parts: string[] = [];
  let from = 0;
  for (const [anchor, replacement] of WORKER_PATCHES) {
    const at = source.indexOf(anchor, from);
    if (at < 0) throw new PdfjsPatchError(`pdf.worker.mjs: the anchor ${JSON.stringify(anchor.slice(0, 60))} is missing (or out of order)`);
    parts.push(source.slice(from, at), replacement);
    from = at + anchor.length;
  }
  parts.push(source.slice(from));
  return parts.join('');
}

function loadWorkerModule(): { WorkerMessageHandler: unknown } {
  const file = createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
  const url = pathToFileURL(file).href;
  // the module's text as a function body (a module's code is strict; its functions compile lazily, as a module's do)
  const make = vm.compileFunction(`'use strict';${patchedWorkerSource(readFileSync(file, 'utf8'))}`, ['__figtrail', '__figtrailImport', '__figtrailModuleUrl'], { filename: file }) as (
    hooks: { glyph: typeof glyph; take: typeof take },
    load: (p: string) => Promise<unknown>,
    moduleUrl: string,
  ) => { WorkerMessageHandler: unknown };
  return make({ glyph, take }, (p) => import(p), url);
}

const worker = loadWorkerModule();

if (Array.prototype.push !== builtinPush && isBuiltin(builtinPush)) {
  Object.defineProperty(Array.prototype, 'push', { value: builtinPush, writable: true, enumerable: false, configurable: true });
}

export const getDocument: typeof pdfjs.getDocument = pdfjs.getDocument;
export const PDFWorker: typeof pdfjs.PDFWorker = pdfjs.PDFWorker;
export const OPS: typeof pdfjs.OPS = pdfjs.OPS;
export const pdfjsVersion: string = pdfjs.version;
/** pdf.js's worker side, patched (see above); pdfPort.ts runs it in this thread. */
export const WorkerMessageHandler = worker.WorkerMessageHandler as { initializeFromPort(port: unknown): void };
