/**
 * pdf.js, loaded once per thread for the PDF reader (extract/pdf.ts, extract/pdfGlyphs.ts).
 *
 * Why this module exists: the legacy build of pdf.js (the one that runs on Node 20) carries core-js polyfills,
 * and on Node 20 core-js's feature test for `Array.prototype.push` fails (V8 does not throw on a push past a
 * non-writable length), so both pdf.mjs and pdf.worker.mjs replace the built-in `push` of every array in the
 * thread with a JavaScript function that goes through `arguments` and a length setter. Every push in the
 * process — pdf.js's operator lists and text items, the layout, the figure grammar — then costs several times
 * the built-in one: a tenth of the PDF reader's CPU time. The replacement differs from the built-in only for
 * arrays whose length was made read-only, which neither pdf.js nor figtrail makes, so the built-in is put back
 * once both pdf.js modules have run. Both are loaded here, up front: pdf.js's in-thread ("fake") worker imports
 * the same pdf.worker.mjs, so it is not loaded (and patched) again later.
 */
const builtinPush = Array.prototype.push;
const isBuiltin = (f: unknown) => typeof f === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(f));

const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
// the in-thread worker's module: the path pdf.js itself imports on Node (GlobalWorkerOptions.workerSrc default)
await import('pdfjs-dist/legacy/build/pdf.worker.mjs' as string);

if (Array.prototype.push !== builtinPush && isBuiltin(builtinPush)) {
  Object.defineProperty(Array.prototype, 'push', { value: builtinPush, writable: true, enumerable: false, configurable: true });
}

export const getDocument: typeof pdfjs.getDocument = pdfjs.getDocument;
export const OPS: typeof pdfjs.OPS = pdfjs.OPS;
export const pdfjsVersion: string = pdfjs.version;
