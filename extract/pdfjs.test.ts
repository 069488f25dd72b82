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
