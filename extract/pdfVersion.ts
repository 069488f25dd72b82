import { createRequire } from 'node:module';

/**
 * The PDF text layer's version, part of every extraction cache key. Bump the first part when the layout rules
 * change the output; the pdf.js version also changes it. The pdf.js version is read from its package.json, not
 * from the loaded library, so that a build which reads no PDF (up to date, or every source from the cache) does
 * not load pdf.js on the main thread just to know it (about 0.1 s); extract/pdf.test.ts checks that the two agree.
 */
const pdfjsPackage = createRequire(import.meta.url)('pdfjs-dist/package.json') as { version: string };
export const PDF_TEXT_LAYER_VERSION: string = `4+pdfjs.${pdfjsPackage.version}`;
