import { PDFParse } from 'pdf-parse';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { checkInflatedSize, type PdfLimits } from '../extract/limits.js';

export interface RenderedPage {
  page: number;
  png: Uint8Array;
  width: number;
  height: number;
}

/** A PDF whose pages cannot be drawn within the limits (too many pages, or a page of too many pixels). */
export class RenderLimitError extends Error {
  readonly reason: 'too_many_pages' | 'too_complex';
  constructor(reason: 'too_many_pages' | 'too_complex', message: string) {
    super(message);
    this.name = 'RenderLimitError';
    this.reason = reason;
  }
}

/**
 * Checks page count and page image sizes before any page is drawn: a 5000-page file or a page the size of a
 * field asks for gigabytes of canvas. Opening the document is cheap next to drawing it.
 */
async function checkRenderable(data: Uint8Array, scale: number, limits: PdfLimits): Promise<void> {
  await checkInflatedSize(data, 'pdf', limits.maxInflatedBytes);
  const task = getDocument({ data: new Uint8Array(data), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 });
  try {
    const doc = await task.promise;
    if (doc.numPages > limits.maxPages) throw new RenderLimitError('too_many_pages', `${doc.numPages} pages, over the cap of ${limits.maxPages}`);
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const v = page.getViewport({ scale });
      const pixels = Math.ceil(v.width) * Math.ceil(v.height);
      if (!(pixels <= limits.maxPixelsPerPage)) {
        throw new RenderLimitError('too_complex', `page ${n} would be ${Math.ceil(v.width)}×${Math.ceil(v.height)} pixels, over the cap of ${limits.maxPixelsPerPage}`);
      }
      page.cleanup();
    }
  } finally {
    await task.destroy();
  }
}

/**
 * Renders every page of a PDF (or only `pages`) to PNG with pdf.js (through pdf-parse and @napi-rs/canvas), in this thread.
 * Same bytes in → same PNG bytes out (no timestamps in the PNG; pdf.js rendering is deterministic
 * for a given pdfjs-dist / canvas version). audit/renderPdf.ts runs it in a worker with a budget.
 */
export async function renderPagesInProcess(data: Uint8Array, scale: number, limits: PdfLimits, pages?: readonly number[]): Promise<RenderedPage[]> {
  await checkRenderable(data, scale, limits);
  const parser = new PDFParse({ data: new Uint8Array(data) });
  try {
    const r = await parser.getScreenshot({ scale, imageDataUrl: false, imageBuffer: true, ...(pages ? { partial: [...pages] } : {}) });
    return r.pages
      .map((p) => ({ page: p.pageNumber, png: p.data, width: p.width, height: p.height }))
      .sort((a, b) => a.page - b.page);
  } finally {
    await parser.destroy();
  }
}
