import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe('pdf.js loader (extract/pdfjs.ts)', () => {
  it("leaves the built-in Array push in place: pdf.js's core-js replacement is undone once its modules have run", async () => {
    const builtin = Array.prototype.push;
    const { getDocument } = await import('./pdfjs.js');
    expect(Array.prototype.push).toBe(builtin);
    expect(Function.prototype.toString.call(Array.prototype.push)).toMatch(/\[native code\]/);
    // and pdf.js still works with it: a document opens and reads
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
        '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    );
    const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
    try {
      expect(doc.numPages).toBe(1);
    } finally {
      await doc.destroy();
    }
  });
});

describe("pdf.js's worker, patched for the glyphs of its text pass (extract/pdfjs.ts)", () => {
  const workerFile = createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');

  it('finds each anchor exactly once in the installed pdf.worker.mjs, in order', async () => {
    const { WORKER_PATCHES, PATCHED_PDFJS_VERSION, pdfjsVersion } = await import('./pdfjs.js');
    expect(pdfjsVersion).toBe(PATCHED_PDFJS_VERSION);
    const source = readFileSync(workerFile, 'utf8');
    let from = 0;
    for (const [anchor] of WORKER_PATCHES) {
      const at = source.indexOf(anchor);
      expect(at, anchor).toBeGreaterThanOrEqual(from);
      expect(source.indexOf(anchor, at + 1), anchor).toBe(-1);
      from = at + anchor.length;
    }
  });

  it('refuses a source without an anchor, by name', async () => {
    const { patchedWorkerSource, PdfjsPatchError, WORKER_PATCHES } = await import('./pdfjs.js');
    const source = readFileSync(workerFile, 'utf8');
    const glyphAnchor = WORKER_PATCHES.find(([, r]) => r.includes('__figtrail.glyph('))![0];
    const changed = source.replace(glyphAnchor, glyphAnchor.replace('scaledDim *=', 'scaledDim = scaledDim *'));
    expect(() => patchedWorkerSource(changed)).toThrow(PdfjsPatchError);
    expect(() => patchedWorkerSource(changed)).toThrow(/anchor .*scaledDim \*= textState\.textHScale.* is missing/);
    expect(patchedWorkerSource(source)).toContain('__figtrail.glyph(textChunk, textState, glyph);');
  });
});
