/**
 * extract/pdfjs.ts patches pdf.js's text pass. Its text items must stay pdf.js's own: here the patched worker and
 * the unpatched one (pdf.worker.mjs as published, imported as a module) read the same pages, and every item's text,
 * direction, width, height, transform and font agree exactly (the patched items carry `glyphs` besides).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { describe, expect, it } from 'vitest';
import { rawPdf } from './fixtures/rawPdf.js';
import { CopyingPort, getDocument, pdfWorker } from './pdfPort.js';
import { PDFWorker } from './pdfjs.js';

const SOURCES = fileURLToPath(new URL('../sources/', import.meta.url));

/** pdf.js's worker as published, over its own port. */
async function unpatchedWorker(): Promise<InstanceType<typeof PDFWorker>> {
  const { WorkerMessageHandler } = (await import('pdfjs-dist/legacy/build/pdf.worker.mjs' as string)) as { WorkerMessageHandler: { initializeFromPort(port: CopyingPort): void } };
  const port = new CopyingPort();
  WorkerMessageHandler.initializeFromPort(port);
  return new PDFWorker({ port: port as unknown as null, verbosity: 0 });
}

/** Every text item of every page, as the given worker gives them (without the patch's `glyphs`; font names without the worker's document number). */
async function items(bytes: Uint8Array, worker: InstanceType<typeof PDFWorker>): Promise<Omit<TextItem, 'glyphs'>[][]> {
  const doc = await getDocument({ data: bytes.slice(), worker, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const pages: Omit<TextItem, 'glyphs'>[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      pages.push(content.items.filter((x): x is TextItem => 'str' in x).map(({ str, dir, width, height, transform, fontName, hasEOL }) => ({ str, dir, width, height, transform, fontName: fontName.replace(/^g_d\d+_/, 'g_d_'), hasEOL })));
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

describe("the patched text pass gives pdf.js's own text items", () => {
  const widths = { ' ': 250, A: 500, B: 600, C: 400 };
  const cases: [string, () => Uint8Array][] = [
    ...['china-st-newsletter-2014-hitech-zones', 'torch-national-hitech-zones', 'tci-2015-abstract'].map((id): [string, () => Uint8Array] => [id, () => new Uint8Array(readFileSync(`${SOURCES}${id}.pdf`))]),
    ['Tc, Tw, Tz, Ts, TJ, cm and a form', () => rawPdf('q 2 0 0 2 10 20 cm BT /F1 10 Tf 1 Tc 2 Tw 50 Tz 3 Ts 1 0 0 1 30 300 Tm [(A) ( ) (B) -100 (C)] TJ ET Q /Fm1 Do', { widths, form: 'BT /F1 7 Tf 0 1 -1 0 200 100 Tm (CAB) Tj ET' })],
  ];
  it.each(cases)('%s', { timeout: 60_000 }, async (_name, pdf) => {
    const reference = await unpatchedWorker();
    try {
      const got = await items(pdf(), pdfWorker());
      const want = await items(pdf(), reference);
      expect(got.flat().length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    } finally {
      reference.destroy();
    }
  });
});
